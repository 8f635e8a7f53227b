// The time grid as a day view on a narrow screen: one day's column at a time, with previous/next. The table carries
// the day shown in data-day (0 = Monday; the server starts on today within this week); CSS hides the other days'
// columns below 600 px. Wider screens show the whole week and ignore it.
(function () {
  "use strict";

  function setUp(nav) {
    var grid = document.getElementById(nav.getAttribute("data-grid"));
    if (!grid) return;
    var label = nav.querySelector(".day-label");
    var prev = nav.querySelector("[data-step='-1']");
    var next = nav.querySelector("[data-step='1']");
    var heads = grid.querySelectorAll("thead th.dcol");

    function show(day) {
      day = Math.max(0, Math.min(6, day));
      grid.setAttribute("data-day", String(day));
      var head = heads[day];
      if (label && head) label.textContent = head.getAttribute("data-label") || head.textContent;
      if (prev) prev.disabled = day === 0;
      if (next) next.disabled = day === 6;
    }

    nav.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-step]");
      if (!button) return;
      show(parseInt(grid.getAttribute("data-day") || "0", 10) + parseInt(button.getAttribute("data-step"), 10));
    });
    nav.hidden = false;
    show(parseInt(grid.getAttribute("data-day") || "0", 10));
  }

  function init() {
    document.querySelectorAll(".day-nav[data-grid]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
