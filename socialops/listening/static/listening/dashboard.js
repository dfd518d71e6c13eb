// Charts of the listening dashboard (ECharts from vendor/echarts): volume per query, sentiment
// (stacked), share of voice (pie and over time). Each chart is an element with
// data-listening-chart and data-source naming the json_script element with the data.
(function () {
  "use strict";

  function labelsOf(data) {
    return data.buckets.map(function (at) {
      if (data.bucket === "day") { return at.slice(0, 10); }
      return at.slice(5, 16).replace("T", " ");
    });
  }

  function base(data) {
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 40, right: 16, top: 36, bottom: 24, containLabel: true },
      xAxis: { type: "category", data: labelsOf(data) },
      yAxis: { type: "value", minInterval: 1 }
    };
  }

  function volumeOption(data) {
    var option = base(data);
    option.series = data.volume.map(function (q) {
      return { name: q.name, type: "line", showSymbol: false, data: q.data };
    });
    return option;
  }

  function sentimentOption(data) {
    var option = base(data);
    var colors = { positive: "#198754", neutral: "#adb5bd", negative: "#dc3545" };
    option.series = ["negative", "neutral", "positive"].map(function (name) {
      return {
        name: data.labels[name], type: "bar", stack: "sentiment",
        itemStyle: { color: colors[name] }, data: data.sentiment[name]
      };
    });
    return option;
  }

  function voiceOption(data) {
    return {
      animation: false,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        type: "pie", radius: ["35%", "65%"],
        data: data.share_of_voice.map(function (s) { return { name: s.series, value: s.total }; })
      }]
    };
  }

  function voiceTrendOption(data) {
    var option = base(data);
    option.yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
    var totals = data.buckets.map(function (_, i) {
      return data.share_of_voice.reduce(function (sum, s) { return sum + s.data[i]; }, 0);
    });
    option.series = data.share_of_voice.map(function (s) {
      return {
        name: s.series, type: "line", stack: "voice", areaStyle: {}, showSymbol: false,
        data: s.data.map(function (n, i) {
          return totals[i] ? Math.round((n / totals[i]) * 1000) / 10 : 0;
        })
      };
    });
    return option;
  }

  var OPTIONS = {
    volume: volumeOption,
    sentiment: sentimentOption,
    voice: voiceOption,
    "voice-trend": voiceTrendOption
  };

  function render(element) {
    if (!window.echarts || element.getAttribute("data-rendered")) {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-source"));
    var build = OPTIONS[element.getAttribute("data-listening-chart")];
    if (!source || !build) {
      return;
    }
    var chart = window.echarts.init(element);
    chart.setOption(build(JSON.parse(source.textContent)));
    element.setAttribute("data-rendered", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function renderAll() {
    document.querySelectorAll("[data-listening-chart]").forEach(render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
