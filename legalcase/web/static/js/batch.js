// 批量催款函: the server streams one <li data-done data-total> per letter into
// #batch-log; this moves the progress bar to the last one, while the page still loads.
(function () {
  "use strict";
  function update() {
    const bar = document.getElementById("bar");
    const log = document.getElementById("batch-log");
    if (!bar || !log) return;
    const last = log.querySelector("li:last-child");
    const finished = document.getElementById("batch-done") !== null;
    let pct = 0;
    if (finished) {
      pct = 100;
    } else if (last) {
      const total = Math.max(parseInt(last.dataset.total, 10) || 1, 1);
      pct = Math.floor((100 * (parseInt(last.dataset.done, 10) || 0)) / total);
    }
    bar.style.width = pct + "%";
    bar.closest(".progress").setAttribute("aria-valuenow", String(pct));
  }
  const observer = new MutationObserver(update);
  observer.observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    update();
    observer.disconnect();
  });
})();
