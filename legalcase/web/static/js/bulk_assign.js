// The portfolio's "select all on this page" box for bulk assignment (分配给).
document.addEventListener('DOMContentLoaded', () => {
  const all = document.getElementById('select-all');
  if (!all) return;
  all.addEventListener('change', () => {
    document.querySelectorAll('input[name=case_ids][form=bulk-assign]').forEach((box) => {
      box.checked = all.checked;
    });
  });
});
