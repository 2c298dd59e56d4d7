// A form whose fields depend on a choice (the court event's kind): each row carrying
// data-kinds="a b" is shown only while the [data-kind-switch] select has one of those values.
// Hidden rows are disabled too, so that nothing in them is sent.
(function () {
  "use strict";
  const switcher = document.querySelector("select[data-kind-switch]");
  if (!switcher) return;
  const form = switcher.form;
  function apply() {
    const kind = switcher.value;
    form.querySelectorAll("[data-kinds]").forEach(function (row) {
      const on = row.dataset.kinds.split(" ").indexOf(kind) !== -1;
      row.hidden = !on;
      row.querySelectorAll("input, select, textarea").forEach(function (el) {
        el.disabled = !on;
      });
    });
  }
  switcher.addEventListener("change", apply);
  apply();
})();
