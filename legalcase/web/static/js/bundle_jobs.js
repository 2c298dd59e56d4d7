// 证据册 being built by the job queue: poll each job every second; when one finishes,
// reload the evidence page with it named, so the new bundle (or why it failed) shows.
(function () {
  "use strict";
  document.querySelectorAll(".bundle-job[data-status-url]").forEach(function (el) {
    function poll() {
      fetch(el.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (job.status === "done" || job.status === "failed") {
            const url = new URL(window.location.href);
            url.searchParams.set("bundle_job", el.dataset.job);
            window.location.replace(url.toString());
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  });
})();
