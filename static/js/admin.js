/* Back-office helpers. Every form works without this file; it only saves typing. */
(function () {
  "use strict";
  // A response template select fills the textarea named by its data-target.
  document.querySelectorAll("select[data-template-target]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.getAttribute("data-template-target"));
      if (target && option && option.getAttribute("data-body")) {
        target.value = option.getAttribute("data-body");
        target.focus();
      }
    });
  });
  // A category select offers, in the select named by its data-narrows, only the sub
  // categories of the chosen category (each option names its own in data-category). The
  // server checks the pair anyway: without this script every sub category is offered.
  document.querySelectorAll("select[data-narrows]").forEach(function (select) {
    var target = document.getElementById(select.getAttribute("data-narrows"));
    if (!target) { return; }
    var options = Array.prototype.slice.call(target.options);
    function narrow() {
      var chosen = select.value;
      var kept = target.value;
      while (target.options.length) { target.remove(0); }
      options.forEach(function (option) {
        var category = option.getAttribute("data-category");
        if (!category || !chosen || category === chosen) { target.add(option); }
      });
      var stillThere = options.some(function (option) {
        return option.value === kept && option.parentNode === target;
      });
      target.value = stillThere ? kept : "";
    }
    select.addEventListener("change", narrow);
    narrow();
  });
  // Choosing a sub category proposes its default OPD, which the admin may still change.
  document.querySelectorAll("select[data-default-opd-target]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.getAttribute("data-default-opd-target"));
      var opd = option ? option.getAttribute("data-default-opd") : "";
      if (target && opd) { target.value = opd; }
    });
  });
  // Flask-Admin's date pickers are built with English words: every picker takes the
  // interface's words instead, which the page carries in #picker-words (data-*). The picker's
  // script is loaded after this file and some pickers are made as soon as it is (a list's
  // active filters), so the plugin is wrapped the moment it is defined.
  var words = document.getElementById("picker-words");
  var jq = window.jQuery;
  if (words && jq) {
    var locale = {
      applyLabel: words.getAttribute("data-apply"),
      cancelLabel: words.getAttribute("data-cancel"),
      fromLabel: words.getAttribute("data-from"),
      toLabel: words.getAttribute("data-to"),
      weekLabel: words.getAttribute("data-week"),
      customRangeLabel: words.getAttribute("data-custom"),
      daysOfWeek: words.getAttribute("data-days").split(","),
      monthNames: words.getAttribute("data-months").split(","),
      firstDay: parseInt(words.getAttribute("data-first-day"), 10) || 0
    };
    var localised = function (plugin) {
      if (typeof plugin !== "function") { return plugin; }
      return function (options, callback) {
        var mine = jq.extend({}, options);
        mine.locale = jq.extend({}, locale, mine.locale);
        if (mine.separator === " to ") {
          // A range already in the field (from the address) is read in the same words.
          mine.separator = words.getAttribute("data-separator");
          this.each(function () { this.value = this.value.replace(" to ", mine.separator); });
        }
        return plugin.call(this, mine, callback);
      };
    };
    var picker = localised(jq.fn.daterangepicker);
    Object.defineProperty(jq.fn, "daterangepicker", {
      configurable: true,
      enumerable: true,
      get: function () { return picker; },
      set: function (plugin) { picker = localised(plugin); }
    });
  }
  // Flask-Admin's select boxes (Select2, loaded before this file) answer in the same words.
  if (words && jq && jq.fn.select2) {
    var said = function (name, n) {
      return words.getAttribute("data-" + name).replace("{n}", n);
    };
    jq.extend(jq.fn.select2.defaults, {
      formatNoMatches: function () { return said("no-matches"); },
      formatSearching: function () { return said("searching"); },
      formatLoadMore: function () { return said("loading-more"); },
      formatInputTooShort: function (input, min) { return said("too-short", min - input.length); },
      formatInputTooLong: function (input, max) { return said("too-long", input.length - max); },
      formatSelectionTooBig: function (limit) { return said("too-many", limit); }
    });
    var select2 = jq.fn.select2;
    jq.fn.select2 = function (options) {
      var args = Array.prototype.slice.call(arguments);
      if (options && typeof options === "object" && options.tags !== undefined) {
        // A free list of values: Flask-Admin's own hint for it is English.
        args[0] = jq.extend({}, options, {
          formatNoMatches: function () { return said("comma-values"); }
        });
      }
      return select2.apply(this, args);
    };
    jq.extend(jq.fn.select2, select2);
  }
  // Ask once before an action that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
