// Growth charts: the trait radar (self and manager, 1–5) and the trend over periods. The data comes from a
// <script type="application/json"> block named by the canvas's data-source (CSP: no inline script).
(function () {
  "use strict";

  var palette = ["#2f5bea", "#067647", "#b54708", "#6941c6", "#b42318"];

  var builders = {
    radar: function (data) {
      return {
        type: "radar",
        data: {
          labels: data.labels,
          datasets: [
            { label: "Self", data: data.self, borderColor: "#2f5bea", backgroundColor: "rgba(47,91,234,.15)", spanGaps: true },
            { label: "Manager", data: data.manager, borderColor: "#067647", backgroundColor: "rgba(6,118,71,.12)", spanGaps: true }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false,
          scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } } }
      };
    },
    trend: function (data) {
      return {
        type: "line",
        data: {
          labels: data.trend.periods,
          datasets: data.trend.series.map(function (s, i) {
            return { label: s.label, data: s.data, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.2, spanGaps: true };
          })
        },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { min: 0, max: 5, ticks: { stepSize: 1 } } } }
      };
    }
  };

  window.BatonCharts.register(builders);
})();
