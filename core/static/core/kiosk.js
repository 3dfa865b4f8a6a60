// A paired tablet returns to its start screen by itself (ADR 0023): after data-kiosk-idle
// seconds without a touch or a key (a warning shows first, so that a slow reader keeps their
// answers with one touch), or data-kiosk-done seconds after a thank-you screen, whatever
// happens. The next visitor never finds the previous one's answers or ticket.
(function () {
  "use strict";
  var body = document.body;
  var home = body.dataset.kioskHome;
  if (!home) {
    return;
  }
  function goHome() {
    window.location.assign(home);
  }
  if (body.dataset.kioskDone) {
    window.setTimeout(goHome, Number(body.dataset.kioskDone) * 1000);
    return;
  }
  var idle = Number(body.dataset.kioskIdle) * 1000;
  var warnBefore = Math.min(20000, idle / 3);
  var warning = document.getElementById("kiosk-warning");
  var warnTimer = null;
  var resetTimer = null;
  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(resetTimer);
    if (warning) {
      warning.hidden = true;
    }
    warnTimer = window.setTimeout(function () {
      if (warning) {
        warning.hidden = false;
      }
    }, idle - warnBefore);
    resetTimer = window.setTimeout(goHome, idle);
  }
  ["pointerdown", "keydown", "input", "touchstart", "scroll"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true, capture: true });
  });
  restart();
})();
