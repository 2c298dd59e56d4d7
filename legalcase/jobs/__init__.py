"""Background jobs on Celery (issue 15): a registry of job kinds, and ``submit``.

A job is a row of ours (``legalcase.models.Job``: kind, who, status, done/total, result,
error) and one Celery message, ``legalcase.run_job(job_id)``. The worker takes the row,
looks the kind up in ``KINDS`` and calls its function with a ``JobContext``
(``legalcase.jobs.runner``); the function is thin and calls services inside units of work
of its own. Every item's effect is committed together with a ``JobItem`` row keyed per
(job, item), so a job run again after its worker died skips what was done.

Adding a job kind (a module in this package, listed in ``_MODULES``)::

    from legalcase.jobs import job_kind

    @job_kind("filings.package", "立案材料包")
    def build_package(ctx):
        for key in ctx.pending(ctx.params["case_ids"], total=True):
            with ctx.item(key) as item:        # its own unit of work, committed on exit
                doc = services.do_it(item.session, item.storage, item.actor, ...)
                item.result = {"document_id": doc.id}
        return {"zip_key": ...}                # the job's result (JSON)

and start it from a view or a service caller (sent when the request commits)::

    job = jobs.submit(db.session, "filings.package", params={...}, created_by=user)
    return redirect(url_for("jobs.show", job_id=job.id))
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from legalcase.models import User
from legalcase.models.jobs import Job
from legalcase.services import jobs as job_svc

log = logging.getLogger(__name__)

# The modules that register job kinds (imported by ``load_kinds``).
_MODULES = ("letters", "daily", "evidence", "imports", "model", "timestamps", "filings")
_TO_SEND = "legalcase_jobs_to_send"


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str  # shown on the jobs page (Chinese)
    run: Callable


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, title: str) -> Callable[[Callable], Callable]:
    """Register ``fn(ctx) -> dict | None`` as the job kind ``name``."""

    def register(fn: Callable) -> Callable:
        KINDS[name] = JobKind(name, title, fn)
        return fn

    return register


def load_kinds() -> dict[str, JobKind]:
    for module in _MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return KINDS


def kind_title(name: str) -> str:
    kind = load_kinds().get(name)
    return kind.title if kind else name


def submit(
    session: Session,
    kind: str,
    *,
    params: dict | None = None,
    created_by: User | None = None,
    case_id: int | None = None,
    total: int = 0,
) -> Job:
    """A queued job in the caller's transaction; its message is sent once that commits
    (a rolled-back request leaves neither). A message that cannot be sent (the broker is
    down) is sent again by the scheduler's check for stale jobs."""
    if kind not in load_kinds():
        raise ValueError(f"unknown job kind {kind}")
    job = job_svc.create(
        session, kind, params=params, created_by=created_by, case_id=case_id, total=total
    )
    pending = session.info.get(_TO_SEND)
    if pending is None:
        pending = session.info[_TO_SEND] = []
        event.listen(session, "after_commit", _send_pending)
        event.listen(session, "after_soft_rollback", _forget_pending)
    pending.append(job.id)
    return job


def _send_pending(session: Session) -> None:
    from flask import current_app

    from .app import send

    ids, session.info[_TO_SEND] = list(session.info.get(_TO_SEND, [])), []
    for job_id in ids:
        try:
            send(current_app._get_current_object(), job_id)
        except Exception:  # the job stays queued; the scheduler sends it again later
            log.exception("could not send job %s to the queue", job_id)


def _forget_pending(session: Session, _previous) -> None:
    session.info[_TO_SEND] = []


__all__ = ["KINDS", "JobKind", "job_kind", "kind_title", "load_kinds", "submit"]
