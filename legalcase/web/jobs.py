"""后台任务: the user's jobs, one job's progress (polled), and a batch's zip."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, send_file
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import NotFound
from legalcase.jobs import kind_title
from legalcase.services import jobs as job_svc

from .downloads import named

bp = Blueprint("jobs", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


@bp.get("/jobs")
def index():
    rows = job_svc.list_jobs(db.session, current_user)
    return render_template("jobs.html", jobs=rows, kind_title=kind_title)


@bp.get("/jobs/<int:job_id>")
def show(job_id: int):
    job = job_svc.get_job(db.session, current_user, job_id)
    return render_template(
        "job.html", job=job, kind_title=kind_title, outcome=outcome_lines(job.result)
    )


# What a finished job's result holds, in words (a kind without its own summary).
RESULT_LABELS = {
    "cases": "涉及案件",
    "changed": "期限有变化的案件",
    "promises": "更新的还款承诺",
    "tasks": "新建任务",
    "sent": "已发送的提醒邮件",
    "items": "提醒事项",
    "removed": "删除的临时文件",
    "queue_messages_removed": "清理的队列消息",
    "checked": "复核的证据",
    "problems": "发现问题的证据",
    "stamped": "已补办时间戳",
    "pending": "仍待补时间戳",
    "packages": "生成的材料包",
    "version": "模型版本",
    "auc": "回测 AUC",
    "snapshots": "训练样本",
    "held": "锁定的证据文件",
    "error": "错误",
    "problem": "问题",
}


def outcome_lines(result: dict | None) -> list[tuple[str, str]]:
    """The result's known entries as (label, value); a list is shown by its length."""
    lines = []
    for key, label in RESULT_LABELS.items():
        if key in (result or {}) and result[key] is not None:
            value = result[key]
            lines.append((label, str(len(value)) if isinstance(value, list) else str(value)))
    return lines


@bp.get("/jobs/<int:job_id>/status")
def status(job_id: int):
    """What job.js polls (the same fields as GET /api/v1/jobs/{id})."""
    job = job_svc.get_job(db.session, current_user, job_id)
    return jsonify(job_svc.job_out(job))


@bp.get("/jobs/<int:job_id>/download")
def download(job_id: int):
    job = job_svc.get_job(db.session, current_user, job_id)
    key = (job.result or {}).get("zip_key")
    if job.status != job_svc.DONE or not key:
        raise NotFound("文件")
    return named(
        send_file(
            db.storage.open(key),
            as_attachment=True,
            download_name=f"{kind_title(job.kind)}-{job.id}.zip",
            mimetype="application/zip",
        ),
        f"{kind_title(job.kind)}-{job.id}.zip",
        fallback=f"{job.kind}-{job.id}.zip",
    )
