// Charts of the SLA report (ECharts from vendor/echarts): the daily hit rate with hit and missed
// clocks, and first-response times per agent. Each chart is an element with data-sla-chart and
// data-source naming the json_script element with the data.
(function () {
  "use strict";

  function trendOption(data) {
    var labels = data.labels;
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 32, bottom: 24 },
      xAxis: { type: "category", data: data.days },
      yAxis: [
        { type: "value", name: labels.hit_rate, min: 0, max: 100 },
        { type: "value", minInterval: 1 }
      ],
      series: [
        { name: labels.hit, type: "bar", stack: "n", yAxisIndex: 1, data: data.hit, itemStyle: { color: "#198754" } },
        { name: labels.missed, type: "bar", stack: "n", yAxisIndex: 1, data: data.missed, itemStyle: { color: "#dc3545" } },
        { name: labels.hit_rate, type: "line", yAxisIndex: 0, connectNulls: false, data: data.hit_rate }
      ]
    };
  }

  function agentsOption(data) {
    var labels = data.labels;
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 96, right: 16, top: 32, bottom: 24 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.agents, inverse: true },
      series: [
        { name: labels.median, type: "bar", data: data.agent_median_minutes },
        { name: labels.p90, type: "bar", data: data.agent_p90_minutes }
      ]
    };
  }

  function render(element) {
    if (!window.echarts || element.getAttribute("data-rendered")) {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-source"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element);
    var kind = element.getAttribute("data-sla-chart");
    chart.setOption(kind === "agents" ? agentsOption(data) : trendOption(data));
    element.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function renderAll(root) {
    (root || document).querySelectorAll("[data-sla-chart]").forEach(render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { renderAll(); });
  } else {
    renderAll();
  }
  document.addEventListener("htmx:afterSwap", function (event) { renderAll(event.target); });
})();
