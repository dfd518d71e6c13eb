// Composer: remember edited variants and the open tab; show the WeChat article form when needed.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form) {
    return;
  }
  var active = document.getElementById("active-variant");
  var article = document.getElementById("article-form");

  form.addEventListener("input", function (event) {
    var area = event.target.closest(".variant-text");
    if (!area) {
      return;
    }
    var pane = area.closest("[data-channel]");
    var flag = pane && pane.querySelector("[data-customised]");
    if (flag) {
      flag.value = "1";
    }
  });

  document.addEventListener("shown.bs.tab", function (event) {
    var id = event.target.getAttribute("data-variant-tab");
    if (id && active) {
      active.value = id;
    }
  });

  function needsArticle() {
    var format = form.querySelector("[name=format]");
    if (format && format.value === "article") {
      return true;
    }
    return Array.prototype.some.call(
      form.querySelectorAll("input[name=channels]:checked"),
      function (box) {
        return box.getAttribute("data-platform") === "wechat";
      }
    );
  }

  form.addEventListener("change", function (event) {
    if (article && (event.target.name === "format" || event.target.name === "channels")) {
      article.hidden = !needsArticle();
    }
  });
})();

// A refresh of the variants started before a tab was clicked must not switch the tab back.
document.addEventListener("htmx:afterSettle", function (event) {
  "use strict";
  var active = document.getElementById("active-variant");
  if (!active || !active.value || !event.detail.target || event.detail.target.id !== "variants") {
    return;
  }
  var tab = document.querySelector('#variants [data-variant-tab="' + active.value + '"]');
  if (tab && !tab.classList.contains("active") && window.bootstrap) {
    window.bootstrap.Tab.getOrCreateInstance(tab).show();
  }
});
