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
  // A table or strip that scrolls sideways inside itself (the page never does) must be reachable by keyboard to be
  // scrolled: when it overflows and holds nothing focusable, it gets into the tab order (WCAG 2.1.1).
  var SCROLLERS = "main table, .table-scroll, .schedule-wrap, .gantt-scroll, .board, .deal-board, .subnav, .tabs";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function markScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible";
      if (scrolls && !el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    });
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollers, 150);
  });
  document.addEventListener("htmx:afterSettle", markScrollers);
  // Download links (core/partials/_downloads.html): on click, take the filters from the address bar, which htmx
  // filters with hx-push-url have moved on since the page was rendered.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-download]");
    if (!link) return;
    var url = new URL(link.href, window.location.href);
    if (url.pathname !== window.location.pathname) return;
    var query = new URLSearchParams(window.location.search);
    query.delete("page");
    query.delete("part");
    query.set("format", link.getAttribute("data-download"));
    if (link.getAttribute("data-part")) query.set("part", link.getAttribute("data-part"));
    link.href = url.pathname + "?" + query.toString();
  });
  function ready() { setUp(); setUpBack(); markScrollers(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
