// 目标与KPI: the monthly KPI trends as lines, the 85% / 40% targets dashed.
(function () {
  "use strict";
  const holder = document.getElementById("kpi-data");
  if (!holder || typeof Chart === "undefined") return;
  const data = JSON.parse(holder.dataset.chart);
  const colours = ["#0d6efd", "#198754", "#6f42c1", "#fd7e14", "#dc3545"];
  const datasets = data.series.map((s, i) => ({
    label: s.label + "（%）", data: s.values, borderColor: colours[i], backgroundColor: colours[i],
    spanGaps: true, tension: 0.2,
  }));
  datasets.push({ label: "联系率目标", data: data.labels.map(() => data.targets.contact_rate),
    borderColor: "#0d6efd", borderDash: [6, 4], pointRadius: 0 });
  datasets.push({ label: "承诺率目标", data: data.labels.map(() => data.targets.commitment_rate),
    borderColor: "#198754", borderDash: [6, 4], pointRadius: 0 });
  new Chart(document.getElementById("kpi-chart"), {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: { responsive: true, maintainAspectRatio: true, scales: { y: { min: 0, max: 100 } } },
  });
})();
