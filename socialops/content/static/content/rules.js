// Rule form: show only the settings of the chosen kind.
(function () {
  "use strict";
  var source = document.getElementById("fields-of-kind");
  var form = document.querySelector("[data-rule-form]");
  if (!source || !form) {
    return;
  }
  var fieldsOfKind = JSON.parse(source.textContent);
  var kind = form.querySelector("[name=kind]");
  function show() {
    var wanted = fieldsOfKind[kind.value] || [];
    form.querySelectorAll("[data-param]").forEach(function (wrapper) {
      wrapper.hidden = wanted.indexOf(wrapper.getAttribute("data-param")) === -1;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
