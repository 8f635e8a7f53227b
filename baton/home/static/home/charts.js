// Role home charts. The data comes from a <script type="application/json"> block named by the canvas's
// data-source (CSP: no inline script); a table with the same figures sits behind each chart. Money arrives as decimal
// strings and is only turned into numbers to draw.
(function () {
  "use strict";

  var numbers = window.BatonCharts.numbers;

  function compact(currency) {
    var format;
    try {
      format = new Intl.NumberFormat(document.documentElement.lang || undefined,
        { style: "currency", currency: currency, notation: "compact", maximumFractionDigits: 1 });
    } catch (e) {
      format = { format: function (v) { return Number(v).toLocaleString() + " " + currency; } };
    }
    return function (value) { return format.format(value); };
  }

  var builders = {
    "home-trend": function (data) {
      return {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            { type: "bar", label: "Revenue", data: numbers(data.revenue), backgroundColor: "rgba(47,91,234,.7)", yAxisID: "y" },
            { type: "bar", label: "Cost", data: numbers(data.cost), backgroundColor: "rgba(181,71,8,.55)", yAxisID: "y" },
            { type: "line", label: "Margin", data: numbers(data.margin), borderColor: "#067647", backgroundColor: "#067647", tension: 0.2, yAxisID: "y" }
          ]
        },
        options: {
          responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
          plugins: { legend: { labels: { boxWidth: 12 } } },
          scales: { y: { ticks: { callback: compact(data.currency) } } }
        }
      };
    },
    "home-util": function (data) {
      var sets = [
        { label: "Utilization", data: numbers(data.utilization_pct), borderColor: "#2f5bea", backgroundColor: "rgba(47,91,234,.12)", fill: true, tension: 0.2 },
        { label: "Billable", data: numbers(data.billable_pct), borderColor: "#067647", backgroundColor: "#067647", tension: 0.2 }
      ];
      if (data.target_pct !== null && data.target_pct !== undefined) {
        sets.push({ label: "Target", data: data.labels.map(function () { return Number(data.target_pct); }), borderColor: "#b42318", borderDash: [6, 4], pointRadius: 0, fill: false });
      }
      return {
        type: "line",
        data: { labels: data.labels, datasets: sets },
        options: {
          responsive: true, maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
          plugins: { legend: { labels: { boxWidth: 12 } } },
          scales: { y: { min: 0, suggestedMax: 100, ticks: { callback: function (v) { return v + "%"; } } } }
        }
      };
    }
  };

  window.BatonCharts.register(builders);
})();
