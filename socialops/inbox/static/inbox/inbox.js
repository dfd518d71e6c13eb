// The inbox's keyboard: j/k move in the list, Enter opens, r replies, e resolves, a assigns to
// me, / searches, ? lists the shortcuts. Everything also works as plain links and forms.
(function () {
  "use strict";
  var list = document.getElementById("inbox-list");
  if (!list) return;

  function rows() { return Array.prototype.slice.call(list.querySelectorAll("[data-row]")); }
  function focused() { return list.querySelector(".kb-focus") || list.querySelector(".active-row"); }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var current = focused();
    var index = current ? all.indexOf(current) + step : 0;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row) { row.classList.remove("kb-focus"); });
    all[index].classList.add("kb-focus");
    all[index].scrollIntoView({ block: "nearest" });
    var link = all[index].querySelector("[data-open]");
    if (link) link.focus({ preventScroll: true });
  }

  function submit(id) {
    var form = document.getElementById(id);
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  function typingIn(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter" && event.target.id === "reply-text") {
      event.preventDefault();
      document.getElementById("send").click();
      return;
    }
    if (event.key === "Escape" && typingIn(event.target)) { event.target.blur(); return; }
    if (typingIn(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    var reply = document.getElementById("reply-text");
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "Enter": {
        var row = focused();
        var link = row && row.querySelector("[data-open]");
        var active = document.activeElement;
        if (!link || active === link) return;  // a focused link opens itself
        if (active && active !== document.body && !list.contains(active)) return;
        link.click();
        break;
      }
      case "r": if (!reply) return; reply.focus(); break;
      case "e": submit("resolve-form"); break;
      case "a": submit("assign-me-form"); break;
      case "/": { var search = document.getElementById("inbox-search"); if (!search) return; search.focus(); search.select(); break; }
      case "?": {
        var dialog = document.getElementById("shortcuts");
        if (dialog && window.bootstrap) window.bootstrap.Modal.getOrCreateInstance(dialog).show();
        break;
      }
      default: return;
    }
    event.preventDefault();
  });

  // Canned replies: fill the box here instead of reloading the page (the link is the no-JS way).
  document.addEventListener("click", function (event) {
    var item = event.target.closest && event.target.closest("[data-canned-text]");
    var box = document.getElementById("reply-text");
    if (!item || !box) return;
    event.preventDefault();
    box.value = item.getAttribute("data-canned-text");
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });

  document.documentElement.setAttribute("data-inbox-keys", "on");  // tests wait for this

  // Typing flag for the collision warning: "typing" for 6 s after the last key in the reply.
  var flag = document.getElementById("typing-flag");
  var box = document.getElementById("reply-text");
  if (flag && box) {
    var timer = null;
    box.addEventListener("input", function () {
      flag.value = "1";
      clearTimeout(timer);
      timer = setTimeout(function () { flag.value = "0"; }, 6000);
    });
  }
})();
