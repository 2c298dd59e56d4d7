"""Importing an ERP ledger as a job: read, plan and write in one unit of work (all or
nothing, as from the screen), recorded as the job's one item so a retry never imports
twice; the uploaded file waits in storage until then."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from legalcase.domain.errors import DomainError
from legalcase.services import importer

from . import job_kind

KIND = "imports.apply"


def summary(r: dict) -> str:
    return (
        f"导入完成：新增应收 {r['receivables']} 笔，更新 {r['updated']} 笔，回款 {r['payments']} 笔，"
        f"导入前已付（无日期）{r['paid_before']} 笔，"
        f"新客户 {r['debtors']} 个，还款承诺状态更新 {r['promises']} 条，"
        f"跳过错误行 {r['skipped']} 行；新立案 {r['cases']} 件，"
        f"按分案规则分配 {r['allocated']} 件"
    )


@job_kind(KIND, "导入台账")
def apply_import(ctx) -> dict:
    p = ctx.params
    for step in ctx.pending(["apply"]):
        with ctx.item(step) as item:
            work = Path(tempfile.mkdtemp(dir=ctx.config["UPLOAD_TMP"], prefix="import-job-"))
            try:
                path = work / "ledger"
                with item.storage.open(p["file_key"]) as src, open(path, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                _, raw = importer.read_table(path)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            plan = importer.plan(item.session, p["creditor_id"], raw, p["mapping"])
            item.result = importer.apply(
                item.session, item.actor, p["creditor_id"], plan, skip_bad=p["skip_bad"]
            )
    done = ctx.items["apply"]
    with ctx.unit_of_work() as uow:  # the uploaded file is not kept
        uow.storage.discard(p["file_key"])
    if done.problem:
        raise DomainError("import_refused", done.problem)
    return {**done.result, "summary": summary(done.result)}
