// Finance charts. The data comes from a <script type="application/json"> block named by the canvas's
// data-source (CSP: no inline script). Money arrives as decimal strings and is only turned into numbers to draw.
(function () {
  "use strict";

  var numbers = window.BatonCharts.numbers;

  var money = function (currency) {
    return function (value) { return Number(value).toLocaleString(undefined, { maximumFractionDigits: 0 }) + " " + currency; };
  };

  var builders = {
    burn: function (data) {
      return {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: "Spent", data: numbers(data.spent), borderColor: "#2f5bea", backgroundColor: "rgba(47,91,234,.12)", fill: true, tension: 0.2, pointRadius: 0, spanGaps: false },
            { label: "Budget", data: numbers(data.budget), borderColor: "#b42318", borderDash: [6, 4], pointRadius: 0, stepped: true, fill: false }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
          scales: { y: { beginAtZero: true, ticks: { callback: money(data.currency) } } } }
      };
    },
    margin: function (data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { type: "bar", label: "Revenue", data: numbers(data.revenue), backgroundColor: "rgba(47,91,234,.7)" },
            { type: "bar", label: "Cost", data: numbers(data.cost), backgroundColor: "rgba(181,71,8,.6)" },
            { type: "line", label: "Margin", data: numbers(data.margin), borderColor: "#067647", backgroundColor: "#067647", tension: 0.2 }
          ]
        },
        options: { responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
          scales: { y: { ticks: { callback: money(data.currency) } } } }
      };
    }
  };

  window.BatonCharts.register(builders);
})();
