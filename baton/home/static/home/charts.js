// Role home charts. The data comes from a <script type="application/json"> block named by the canvas's
// data-source (CSP: no inline script); a table with the same figures sits behind each chart. Money arrives as decimal
// strings and is only turned into numbers to draw.
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function numbers(values) {
    return (values || []).map(function (v) { return v === "" || v === null ? null : Number(v); });
  }

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

  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var build = builders[canvas.dataset.chart];
      // A block loaded later (htmx) carries its data on the canvas: htmx inserts no script elements.
      var data = canvas.dataset.json ? JSON.parse(canvas.dataset.json) : read(canvas.dataset.source);
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
  document.addEventListener("htmx:oobAfterSwap", function () { window.setTimeout(draw, 0); });
})();
