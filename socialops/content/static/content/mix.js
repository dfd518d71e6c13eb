// The content mix chart: target, planned and published share per pillar (ECharts bars).
(function () {
  "use strict";
  var source = document.getElementById("mix-data");
  var box = document.getElementById("mix-chart");
  if (!source || !box || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(box);
  function series(key, colour) {
    return {
      name: data.labels[key],
      type: "bar",
      data: data[key],
      itemStyle: colour ? { color: colour } : undefined,
      label: { show: true, position: "top", formatter: "{c}%", fontSize: 10 },
    };
  }
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    legend: { top: 0 },
    grid: { left: 40, right: 10, top: 40, bottom: 40 },
    xAxis: { type: "category", data: data.pillars, axisLabel: { interval: 0 } },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [
      series("target", "#adb5bd"),
      series("planned", "#6ea8fe"),
      series("published", "#198754"),
    ],
  });
  window.addEventListener("resize", function () {
    chart.resize();
  });
})();
