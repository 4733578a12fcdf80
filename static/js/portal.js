// Re-enables a paused button after its countdown (the server keeps refusing until then).
document.querySelectorAll("[data-countdown]").forEach(function (button) {
  var left = parseInt(button.getAttribute("data-countdown"), 10) || 0;
  var note = document.querySelector("[data-wait-text]");
  var tick = function () {
    if (left <= 0) {
      button.disabled = false;
      if (note) { note.hidden = true; }
      return;
    }
    if (note) { note.textContent = note.textContent.replace(/\d+/, String(left)); }
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
});
