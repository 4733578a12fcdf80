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
  // Choosing a sub category proposes its default OPD, which the admin may still change.
  document.querySelectorAll("select[data-default-opd-target]").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var target = document.getElementById(select.getAttribute("data-default-opd-target"));
      var opd = option ? option.getAttribute("data-default-opd") : "";
      if (target && opd) { target.value = opd; }
    });
  });
  // Ask once before an action that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
