// The shell's small-screen menu: the "Menu" button shows and hides the navigation panel (CSS collapses it at
// 800 px and below once this script has marked the top bar). Served as a static file: the CSP allows no inline script.
(function () {
  "use strict";
  function setUp() {
    var bar = document.querySelector(".topbar");
    var button = bar && bar.querySelector(".menu-toggle");
    var panel = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    bar.classList.add("has-menu");
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("open", open);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }
  // "Back to the previous page" on the error pages: shown only when there is a page to go back to.
  function setUpBack() {
    document.querySelectorAll("[data-history-back]").forEach(function (button) {
      if (window.history.length < 2) return;
      button.hidden = false;
      button.addEventListener("click", function () { window.history.back(); });
    });
  }
  function ready() { setUp(); setUpBack(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
