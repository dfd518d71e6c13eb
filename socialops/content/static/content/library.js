// The library's add form: show the fields of the chosen kind only.
(function () {
  "use strict";
  function sync(form) {
    var select = form.querySelector("select[name=kind]");
    if (!select) return;
    form.querySelectorAll("[data-for-kinds]").forEach(function (wrapper) {
      var kinds = wrapper.getAttribute("data-for-kinds").split(" ");
      wrapper.hidden = kinds.indexOf(select.value) === -1;
    });
  }
  document.querySelectorAll("[data-asset-form]").forEach(function (form) {
    sync(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") sync(form);
    });
  });
})();
