// 报表: draws the charts from the data the page carries in #charts[data-charts].
(function () {
  "use strict";
  const holder = document.getElementById("charts");
  if (!holder || typeof Chart === "undefined") return;
  const charts = JSON.parse(holder.dataset.charts);
  new Chart(document.getElementById("aging-chart"), {
    type: "bar",
    data: {
      labels: charts.aging.labels,
      datasets: [{ label: "欠款（元）", data: charts.aging.values, backgroundColor: "#0d6efd" }],
    },
  });
  new Chart(document.getElementById("stage-chart"), {
    type: "bar",
    data: {
      labels: charts.stages.labels,
      datasets: [{ label: "案件数", data: charts.stages.values, backgroundColor: "#6c757d" }],
    },
  });
})();
