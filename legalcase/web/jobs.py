"""后台任务: the user's jobs, one job's progress (polled), and a batch's zip."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, send_file
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import NotFound
from legalcase.jobs import kind_title
from legalcase.services import jobs as job_svc

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
    return render_template("job.html", job=job, kind_title=kind_title)


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
    return send_file(
        db.storage.open(key),
        as_attachment=True,
        download_name=f"{kind_title(job.kind)}-{job.id}.zip",
        mimetype="application/zip",
    )
