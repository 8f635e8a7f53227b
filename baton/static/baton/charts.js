// The one chart scaffold. Each app's charts.js registers its builders (`BatonCharts.register({name: fn})`); this
// draws every <canvas data-chart="name"> once, from the JSON named by its data-source (a <script
// type="application/json"> block: the CSP allows no inline script) or carried in its data-json (a block loaded later
// by htmx, which inserts no script elements). Money arrives as decimal strings and becomes a number only to draw.
// Load order, all deferred: Chart.js, this file, the app's charts.js.
(function () {
  "use strict";

  var builders = {};

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function numbers(values) {
    return (values || []).map(function (v) { return v === "" || v === null ? null : Number(v); });
  }

  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var build = builders[canvas.dataset.chart];
      var data = canvas.dataset.json ? JSON.parse(canvas.dataset.json) : read(canvas.dataset.source);
      if (!build || !data) { return; }
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, build(data));
    });
  }

  function register(more) {
    Object.keys(more).forEach(function (name) { builders[name] = more[name]; });
    if (document.readyState !== "loading") { draw(); }
  }

  window.BatonCharts = { register: register, numbers: numbers, read: read, draw: draw };

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
  document.addEventListener("htmx:oobAfterSwap", function () { window.setTimeout(draw, 0); });
})();
