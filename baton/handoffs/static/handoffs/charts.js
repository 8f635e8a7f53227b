// Handoff charts: the funnel (sent → gaps raised → confirmed) and the remediation trend. Data comes from
// <script type="application/json"> blocks named by each canvas's data-source (CSP: no inline script).
(function () {
  "use strict";

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

  window.BatonCharts.register(builders);
})();
