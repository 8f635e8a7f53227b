// The health backtest's charts: AUC by quarter (current against fitted weights) and the weights side by side.
// Data comes from the <script type="application/json"> block named by each canvas's data-source (CSP: no inline script).
(function () {
  "use strict";

  var builders = {
    backtest_auc: function (data) {
      return {
        type: "line",
        data: { labels: data.quarters, datasets: [
          { label: "Current weights", data: data.current_auc, borderColor: "#b54708", backgroundColor: "#b54708", tension: 0.2, spanGaps: true },
          { label: "Fitted weights", data: data.fitted_auc, borderColor: "#2f5bea", backgroundColor: "#2f5bea", tension: 0.2, spanGaps: true }
        ] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { min: 0.4, max: 1 } } }
      };
    },
    backtest_weights: function (data) {
      return {
        type: "bar",
        data: { labels: data.signals, datasets: [
          { label: "Current", data: data.current_weights, backgroundColor: "rgba(181,71,8,.6)" },
          { label: "Proposed", data: data.proposed_weights, backgroundColor: "rgba(47,91,234,.7)" }
        ] },
        options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      };
    }
  };

  window.BatonCharts.register(builders);
})();
