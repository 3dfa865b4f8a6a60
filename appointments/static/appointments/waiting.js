// The wait since arrival on the day's list, kept current every few seconds. The page gives the
// server's time when it was made (data-server-now) and each arrival (data-waiting-since): the
// wait is counted on the server's clock, whatever the agent's computer says. Without this
// script the page still shows the wait at the time it was made (and the list as it was then).
(function () {
  "use strict";
  var REFRESH_MS = 5000;
  // The list itself is fetched again every 30 s (htmx): not while the agent's focus is in it,
  // so that a button about to be pressed is not swapped away under the keyboard.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = document.getElementById("liste-du-jour");
    if (list && event.target === list && list.contains(document.activeElement)) { event.preventDefault(); }
  });
  function parse(text) { return Date.parse(text.replace(/(\.\d{3})\d+/, "$1")); }
  var holder = document.querySelector("[data-server-now]");
  if (!holder) { return; }
  var offset = parse(holder.getAttribute("data-server-now")) - Date.now();
  function refresh() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-waiting-since]").forEach(function (element) {
      var minutes = Math.max(0, Math.floor((now - parse(element.getAttribute("data-waiting-since"))) / 60000));
      var text = minutes + " min";
      if (element.textContent !== text) { element.textContent = text; }
    });
  }
  refresh();
  window.setInterval(refresh, REFRESH_MS);
  document.addEventListener("htmx:afterSwap", refresh);
})();
