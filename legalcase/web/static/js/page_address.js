// A page shown after a refused POST carries its own address (data-page-url): put it in the
// address bar so that reloading shows the page again instead of sending the form again.
(function () {
  var el = document.querySelector("[data-page-url]");
  if (el && window.history && history.replaceState) {
    history.replaceState(null, "", el.getAttribute("data-page-url"));
  }
})();
