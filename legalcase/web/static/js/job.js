// 后台任务: poll the job's status every second until it is done or failed, moving the
// progress bar; when it finished, reload once to show the result (download, skipped cases).
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box) return;
  const labels = { queued: "排队中", running: "进行中", done: "已完成", failed: "失败" };
  function show(job) {
    const pct = job.total ? Math.floor((100 * job.done) / job.total) : job.status === "done" ? 100 : 0;
    const bar = document.getElementById("job-bar");
    bar.style.width = pct + "%";
    bar.closest(".progress").setAttribute("aria-valuenow", String(pct));
    document.getElementById("job-status").textContent = labels[job.status] || job.status;
    document.getElementById("job-count").textContent = job.done + " / " + job.total;
  }
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job);
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  show({
    status: box.dataset.status,
    done: parseInt(box.dataset.done, 10) || 0,
    total: parseInt(box.dataset.total, 10) || 0,
  });
  if (box.dataset.status === "queued" || box.dataset.status === "running") {
    window.setTimeout(poll, 500);
  }
})();
