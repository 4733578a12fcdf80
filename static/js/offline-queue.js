/* On every portal page: registers the service worker and sends the submissions waiting on
   the phone (on load, when the signal returns, and through Background Sync where the browser
   has it). On a submission form marked data-offline-queue: gives the form its client key,
   shrinks large photos before upload and posts the form as before; without signal it keeps
   the submission on the phone instead, and lists what the phone keeps. A kept submission the
   server refused can be put back into its form, with the server's reasons beside the fields.
   The words it shows come from the page (the JSON block #antrean-teks). Without this script
   the forms post as plain HTML forms. */
(function () {
  "use strict";

  var store = window.AspirasiAntrean;
  var script = document.currentScript;
  var MAX_SIDE = 2000;             // pixels on the longer side after shrinking
  var MAX_BYTES = 1024 * 1024;     // a JPEG up to this size and MAX_SIDE goes up as it is
  var QUALITY = 0.8;

  // --- photos ------------------------------------------------------------------------------

  function isJpeg(file) {
    return file.type === "image/jpeg" || /\.jpe?g$/i.test(file.name || "");
  }

  // A camera photo redrawn at most MAX_SIDE wide or high; the original when it is small
  // already, when the browser cannot draw it, or when the redrawn one is not smaller.
  function shrink(file) {
    if (!isJpeg(file) || typeof createImageBitmap !== "function") { return Promise.resolve(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var side = Math.max(bitmap.width, bitmap.height);
      if (file.size <= MAX_BYTES && side <= MAX_SIDE) {
        bitmap.close();
        return file;
      }
      var scale = Math.min(1, MAX_SIDE / side);
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", QUALITY);
      }).then(function (blob) {
        if (!blob || blob.size >= file.size) { return file; }
        return new File([blob], file.name, { type: "image/jpeg", lastModified: Date.now() });
      });
    })["catch"](function () { return file; });
  }

  // The form's data with every photo shrunk.
  function formDataWithSmallPhotos(form) {
    var data = new FormData(form);
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file]"));
    return Promise.all(inputs.map(function (input) {
      var files = Array.prototype.slice.call(input.files || []);
      return Promise.all(files.map(shrink)).then(function (small) {
        data["delete"](input.name);
        small.forEach(function (file) { data.append(input.name, file, file.name); });
      });
    })).then(function () { return data; });
  }

  // --- the list of submissions kept on the phone -------------------------------------------

  function readTexts() {
    var block = document.getElementById("antrean-teks");
    return block ? JSON.parse(block.textContent) : null;
  }

  function render() {
    var section = document.getElementById("antrean");
    var texts = readTexts();
    if (!section || !texts) { return; }
    var list = section.querySelector("ul");
    store.all().then(function (items) {
      list.textContent = "";
      items.forEach(function (item) {
        var row = document.createElement("li");
        row.setAttribute("data-state", item.state);
        var title = document.createElement("strong");
        title.textContent = item.title || texts.untitled;
        var state = document.createElement("span");
        state.className = "antrean-status";
        state.textContent = texts.states[item.state] || texts.states.waiting;
        row.appendChild(title);
        row.appendChild(document.createTextNode(" "));
        row.appendChild(state);
        if (item.tracking) {
          var link = document.createElement("a");
          link.href = section.getAttribute("data-tracking-url") + encodeURIComponent(item.tracking);
          link.className = "tracking-number";
          link.textContent = item.tracking;
          row.appendChild(document.createTextNode(" "));
          row.appendChild(link);
        }
        if (item.state === "refused" && item.fields && item.fields.length) {
          var mend = document.createElement("button");
          mend.type = "button";
          mend.className = "linklike";
          mend.textContent = texts.mend;
          mend.addEventListener("click", function () { mendHere(item); });
          row.appendChild(document.createTextNode(" "));
          row.appendChild(mend);
        }
        if (item.state === "sent" || item.state === "refused") {
          var forget = document.createElement("button");
          forget.type = "button";
          forget.className = "linklike";
          forget.textContent = texts.forget;
          forget.addEventListener("click", function () { store.remove(item.key); });
          row.appendChild(document.createTextNode(" "));
          row.appendChild(forget);
        }
        list.appendChild(row);
      });
      section.hidden = items.length === 0;
      var notice = document.getElementById("antrean-tersimpan");
      if (notice && !items.some(function (item) { return item.state === "waiting"; })) {
        notice.hidden = true;  // nothing waits any more
      }
    });
  }

  // --- a refused submission back in its form ----------------------------------------------

  var MEND_HASH = "#perbaiki-";

  // On the form it was written in: its answers (photos too) go back into the fields, with the
  // server's reasons beside them. Elsewhere: to that form, which then does the same.
  function mendHere(item) {
    var form = document.querySelector("form[data-offline-queue]");
    if (form && form.action === item.action) {
      putBack(form, item);
    } else {
      window.location.href = item.pageUrl.split("#")[0] + MEND_HASH + encodeURIComponent(item.key);
    }
  }

  function controlOf(form, name) {
    var found = form.elements.namedItem(name);
    return found && typeof found.length === "number" && !found.tagName ? found : found && [found];
  }

  function putBack(form, item) {
    form.reset();
    var files = {};
    item.fields.forEach(function (field) {
      var controls = controlOf(form, field.name);
      if (!controls || !controls.length) { return; }
      if (field.file) {
        (files[field.name] = files[field.name] || []).push(field.file instanceof File ? field.file
          : new File([field.file], field.filename, { type: field.file.type }));
        return;
      }
      Array.prototype.forEach.call(controls, function (control) {
        if (control.type === "checkbox" || control.type === "radio") {
          if (control.value === field.value) { control.checked = true; }
        } else if (control.type !== "file") {
          control.value = field.value;
        }
      });
    });
    if (typeof DataTransfer === "function") {
      Object.keys(files).forEach(function (name) {
        var picked = new DataTransfer();
        files[name].forEach(function (file) { picked.items.add(file); });
        controlOf(form, name)[0].files = picked.files;
      });
    }
    form.setAttribute("data-mending", item.key);
    showReasons(form, item.refusal || "");
  }

  function errorList(texts) {
    var list = document.createElement("ul");
    list.className = "errors";
    list.setAttribute("data-reason", "");
    texts.forEach(function (text) {
      var line = document.createElement("li");
      line.textContent = text;
      list.appendChild(line);
    });
    return list;
  }

  // The reasons are read from the refusing page as text and written anew: nothing of that
  // page but its words enters this one.
  function showReasons(form, html) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-reason]"), function (old) {
      old.parentNode.removeChild(old);
    });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (box) {
      box.classList.remove("has-error");
    });
    var texts = readTexts();
    var refused = new DOMParser().parseFromString(html, "text/html")
      .querySelector("form[data-offline-queue]");
    var summary = document.createElement("div");
    summary.className = "flash flash-error";
    summary.setAttribute("role", "alert");
    summary.setAttribute("data-reason", "");
    summary.tabIndex = -1;
    summary.textContent = texts.mending;
    var general = [];
    var first = null;
    if (refused) {
      Array.prototype.forEach.call(refused.querySelectorAll("ul.errors"), function (list) {
        var words = Array.prototype.map.call(list.querySelectorAll("li"), function (line) {
          return line.textContent.trim();
        });
        var box = list.parentNode.closest(".field");
        var control = box && box.querySelector("input, select, textarea");
        var here = control && controlOf(form, control.name);
        var target = here && here.length && here[0].closest(".field");
        if (target) {
          target.classList.add("has-error");
          target.appendChild(errorList(words));
          first = first || here[0];
        } else {
          general = general.concat(words);
        }
      });
      Array.prototype.forEach.call(refused.querySelectorAll(".flash-error"), function (flash) {
        // Its own summary ("check the marked entries") is said once, above.
        if (!flash.closest(".field") && !flash.hasAttribute("data-summary")) {
          general.push(flash.textContent.trim());
        }
      });
    }
    var top = form.querySelector("fieldset, .field, button");
    form.insertBefore(summary, top);
    if (general.length) { form.insertBefore(errorList(general), top); }
    (first || summary).focus();
  }

  // --- sending -----------------------------------------------------------------------------

  function askForSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register(store.SYNC_TAG); }
      return null;
    })["catch"](function () { return null; });
  }

  function flush() {
    if (navigator.onLine === false) { return; }
    store.flush()["catch"](function () { return null; });
  }

  function keepOnPhone(form, data, notice) {
    return store.queue(form.action, window.location.href, data).then(function () {
      form.reset();
      form.querySelector("input[name=client_key]").value = store.newKey();
      notice.hidden = false;
      notice.focus();
      askForSync();
    });
  }

  // The shrunk photos go back into their fields, so the form posts as it always did.
  function replacePhotos(form, data) {
    if (typeof DataTransfer !== "function") { return; }
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
      var files = new DataTransfer();
      data.getAll(input.name).forEach(function (file) { files.items.add(file); });
      input.files = files.files;
    });
  }

  function setUpForm(form) {
    if (!form) { return; }
    var keyField = form.querySelector("input[name=client_key]");
    var button = form.querySelector("button[type=submit]");
    var notice = document.getElementById("antrean-tersimpan");
    if (!keyField.value) { keyField.value = store.newKey(); }
    // The worker kept a submission whose connection failed and brought the citizen back here.
    if (window.location.hash === "#" + notice.id) { notice.hidden = false; }
    // Brought here to mend a refused submission written in this form.
    if (window.location.hash.indexOf(MEND_HASH) === 0) {
      var wanted = decodeURIComponent(window.location.hash.slice(MEND_HASH.length));
      store.all().then(function (items) {
        items.forEach(function (item) {
          if (item.key === wanted && item.state === "refused") { putBack(form, item); }
        });
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      button.disabled = true;
      notice.hidden = true;
      // A mended submission leaves the list: it is in this form now, sent or kept anew.
      var mended = form.getAttribute("data-mending");
      form.removeAttribute("data-mending");
      (mended ? store.remove(mended) : Promise.resolve()).then(function () {
        return formDataWithSmallPhotos(form);
      }).then(function (data) {
        if (navigator.onLine === false) { return keepOnPhone(form, data, notice); }
        replacePhotos(form, data);
        form.submit();  // the worker keeps it on the phone if the connection fails
        return null;
      }).then(function () { button.disabled = false; }, function () {
        button.disabled = false;
        form.submit();
      });
    });
  }

  // --- every page --------------------------------------------------------------------------

  if ("serviceWorker" in navigator && script && script.getAttribute("data-worker")) {
    var servedByWorker = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.register(script.getAttribute("data-worker")).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      // This page came from the network before the worker was there: keep it as well, and
      // the pictures it shows (the worker keeps only the home pictures among them).
      if (!servedByWorker && registration.active) {
        registration.active.postMessage({ type: "keep", url: window.location.href });
        Array.prototype.forEach.call(document.images, function (image) {
          if (image.src) { registration.active.postMessage({ type: "keep", url: image.src }); }
        });
      }
    })["catch"](function () { return null; });
  }

  if (!store || !window.indexedDB) { return; }
  if (document.getElementById("antrean")) {
    render();
    if (typeof BroadcastChannel === "function") {
      new BroadcastChannel(store.CHANNEL).onmessage = render;
    }
    setUpForm(document.querySelector("form[data-offline-queue]"));
  }
  window.addEventListener("online", flush);
  flush();
}());
