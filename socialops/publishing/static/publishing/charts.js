// Charts of the tracking pages (ECharts from vendor/echarts): a post's numbers over time and an
// account's engagement by hour of week. Each chart is an element with data-chart="line" or
// "heatmap" and data-source naming a json_script element with its data.
(function () {
  "use strict";

  function lineOption(data) {
    var labels = data.labels || {};
    function series(key, axis) {
      return {
        name: labels[key] || key,
        type: "line",
        yAxisIndex: axis,
        showSymbol: true,
        connectNulls: true,
        data: data.times.map(function (t, i) { return [t, data.series[key][i]]; })
      };
    }
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 32, bottom: 24 },
      xAxis: { type: "time" },
      yAxis: [{ type: "value", name: labels.impressions }, { type: "value", name: labels.engagements }],
      series: [series("impressions", 0), series("engagements", 1)]
    };
  }

  function heatmapOption(data) {
    var hours = [];
    for (var h = 0; h < 24; h += 1) { hours.push(String(h)); }
    return {
      animation: false,
      tooltip: {
        formatter: function (p) {
          return data.weekdays[p.value[1]] + " " + p.value[0] + ":00<br>" +
            data.labels.mean + ": " + p.value[2] + "<br>" + data.labels.posts + ": " + p.value[3];
        }
      },
      grid: { left: 56, right: 16, top: 8, bottom: 64 },
      xAxis: { type: "category", data: hours, splitArea: { show: true } },
      yAxis: { type: "category", data: data.weekdays, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0, max: data.max || 1, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        dimension: 2
      },
      series: [{ type: "heatmap", data: data.cells, label: { show: false } }]
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
    var kind = element.getAttribute("data-chart");
    chart.setOption(kind === "heatmap" ? heatmapOption(data) : lineOption(data));
    element.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function renderAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { renderAll(); });
  } else {
    renderAll();
  }
  document.addEventListener("htmx:afterSwap", function (event) { renderAll(event.target); });
})();
