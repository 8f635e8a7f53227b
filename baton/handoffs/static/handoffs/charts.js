// Handoff charts: the funnel (sent → gaps raised → confirmed) and the remediation trend. Data comes from
// <script type="application/json"> blocks named by each canvas's data-source (CSP: no inline script).
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var builders = {
    funnel: function (data) {
      return {
        type: "bar",
        data: { labels: data.labels, datasets: [{ label: "Handoffs", data: data.values, backgroundColor: ["#2f5bea", "#b54708", "#067647"] }] },
        options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
      };
    },
    cost: function (data) {
      var sets = [];
      if (data.money) {
        sets.push({ type: "bar", label: "Cost (" + data.currency + ")", data: data.cost.map(function (v) { return v === "" ? null : Number(v); }), backgroundColor: "rgba(181,71,8,.6)", yAxisID: "y" });
      }
      sets.push({ type: "line", label: "Remediation minutes", data: data.minutes, borderColor: "#2f5bea", backgroundColor: "#2f5bea", tension: 0.2, yAxisID: data.money ? "y1" : "y" });
      var scales = { y: { beginAtZero: true } };
      if (data.money) { scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } }; }
      return { type: "bar", data: { labels: data.labels, datasets: sets },
        options: { responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false }, scales: scales } };
    }
  };

  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var build = builders[canvas.dataset.chart];
      var data = read(canvas.dataset.source);
      if (!build || !data) { return; }
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, build(data));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
  document.addEventListener("htmx:afterSettle", draw);
})();
