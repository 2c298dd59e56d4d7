"""Background jobs: a job's progress, and a batch of letters started as a job (202)."""

from __future__ import annotations

from flask import g

from legalcase.db import db
from legalcase.domain.roles import Role, require_writer
from legalcase.jobs import submit
from legalcase.jobs.letters import KIND as BATCH_LETTERS
from legalcase.schemas.fields import parse
from legalcase.schemas.jobs import BatchSchema, JobOut, JobQueued
from legalcase.services import documents as docs
from legalcase.services import jobs as job_svc
from legalcase.services.clock import today

from . import body, bp, dumps


@bp.get("/jobs/<int:job_id>")
@dumps(JobOut)
def get_job(job_id: int):
    return job_svc.job_out(job_svc.get_job(db.session, g.api_user, job_id))


@bp.post("/documents/batch")
@dumps(JobQueued, status=202)
def batch_letters():
    """Answers at once with the job's id; GET /jobs/{id} follows it."""
    user = g.api_user
    require_writer(Role(user.role))
    data = parse(BatchSchema(), body())
    as_of = data.get("as_of") or today()
    passed: list[dict] = []
    if data.get("case_ids"):  # chosen one by one: the user's explicit choice
        ids = docs.visible_cases(db.session, data["case_ids"])
    else:
        include = docs.BatchInclude(
            in_court=data["include_in_court"],
            mediation=data["include_mediation"],
            on_plan=data["include_on_plan"],
        )
        ids, passed = docs.pick_batch(
            db.session, user, data["tier"], data["doc_type"], as_of, include
        )
    if data["pdf"]:
        docs.require_pdf()
    params = {
        "doc_type": data["doc_type"],
        "case_ids": ids,
        "as_of": as_of.isoformat(),
        "override_reason": data.get("override_reason"),
        "pdf": data["pdf"],
        "passed": passed,
    }
    job = submit(db.session, BATCH_LETTERS, params=params, created_by=user, total=len(ids))
    return {"job_id": job.id}
