// SocialOps page behaviour: copy buttons and confirmations. No framework, no build step.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain HTTP on a LAN has no async clipboard; fall back to a hidden textarea.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (err) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var source = document.querySelector(button.getAttribute("data-copy-target"));
    if (!source) {
      return;
    }
    var text = "value" in source ? source.value : source.textContent;
    var label = button.querySelector("[data-copy-label]") || button;
    var original = label.textContent;
    copyText(text.trim()).then(
      function () {
        label.textContent = button.getAttribute("data-copied") || original;
        button.classList.add("is-copied");
      },
      function () {
        if (source.select) {
          source.select();
        }
        label.textContent = button.getAttribute("data-copy-failed") || original;
      }
    ).finally(function () {
      window.setTimeout(function () {
        label.textContent = original;
        button.classList.remove("is-copied");
      }, 2000);
    });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
