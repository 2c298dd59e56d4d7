"""Background jobs' rows: create, start, progress, finish, fail; the items a job has done.

These take a session and never commit: the job runner (``legalcase.jobs.runner``) opens a
short unit of work of its own for each update, so progress is visible while the job runs
and a job's row never waits on its items' transactions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from legalcase.domain.errors import NotFound
from legalcase.domain.roles import Role
from legalcase.domain.values import JOB_STATUSES
from legalcase.models import User
from legalcase.models.base import utcnow
from legalcase.models.jobs import Job, JobItem

QUEUED, RUNNING, DONE, FAILED = JOB_STATUSES
ERROR_MAX = 2000


def create(
    session: Session,
    kind: str,
    *,
    params: dict | None = None,
    created_by: User | None = None,
    case_id: int | None = None,
    total: int = 0,
) -> Job:
    """A queued job (flushed, so it has its id); the caller sends it after the commit."""
    job = Job(
        kind=kind,
        status=QUEUED,
        params=params or {},
        created_by_id=created_by.id if created_by else None,
        case_id=case_id,
        total=total,
        done=0,
        attempts=0,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def start(session: Session, job_id: int, worker: str, stale_after: timedelta) -> bool:
    """Take the job for ``worker``: a queued one, or a running one whose worker stopped
    beating (died). False when it is finished or another live worker runs it."""
    now = utcnow()
    taken = session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                Job.status == QUEUED,
                (Job.status == RUNNING) & (Job.heartbeat_at < now - stale_after),
            ),
        )
        .values(
            status=RUNNING,
            worker=worker[:200],
            attempts=Job.attempts + 1,
            heartbeat_at=now,
            started_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def progress(session: Session, job_id: int, done: int, total: int | None = None) -> None:
    """How far the job got (also its worker's heartbeat)."""
    values: dict = {"done": done, "heartbeat_at": utcnow()}
    if total is not None:
        values["total"] = total
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def finish(session: Session, job_id: int, result: dict | None = None) -> None:
    job = session.get(Job, job_id)
    job.status, job.result, job.error = DONE, result or {}, None
    job.done = max(job.done, job.total)
    job.finished_at = job.heartbeat_at = utcnow()


def fail(session: Session, job_id: int, error: str) -> None:
    job = session.get(Job, job_id)
    job.status, job.error = FAILED, error[:ERROR_MAX]
    job.finished_at = job.heartbeat_at = utcnow()


def done_items(session: Session, job_id: int) -> dict[str, JobItem]:
    rows = session.scalars(select(JobItem).where(JobItem.job_id == job_id))
    return {row.key: row for row in rows}


def record_item(
    session: Session,
    job_id: int,
    key: str,
    result: dict | None = None,
    problem: str | None = None,
) -> JobItem:
    """Mark one item done, in the transaction of its effect. Recording the same item twice
    (two workers on one job) fails on the unique key, which rolls the second effect back."""
    item = JobItem(job_id=job_id, key=str(key), result=result, problem=problem, at=utcnow())
    session.add(item)
    session.flush()
    return item


def stale(
    session: Session, now: datetime, stale_after: timedelta, queued_after: timedelta
) -> list[int]:
    """Jobs to send again: running without a heartbeat for ``stale_after`` (the worker
    died), or queued for ``queued_after`` (the message was lost, or never sent)."""
    cutoff, queued_cutoff = now - stale_after, now - queued_after
    return list(
        session.scalars(
            select(Job.id)
            .where(
                or_(
                    (Job.status == RUNNING) & (Job.heartbeat_at < cutoff),
                    # queued: since it was made, or last sent again (requeue_stale)
                    (Job.status == QUEUED)
                    & (func.coalesce(Job.heartbeat_at, Job.created_at) < queued_cutoff),
                )
            )
            .order_by(Job.id)
        )
    )


def may_see(user: User, job: Job) -> bool:
    """A user sees the jobs they started; an admin sees every job (also the scheduled)."""
    return Role(user.role) == Role.ADMIN or job.created_by_id == user.id


def get_job(session: Session, user: User, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None or not may_see(user, job):
        raise NotFound("后台任务")
    return job


def list_jobs(session: Session, user: User, limit: int = 100) -> list[Job]:
    stmt = select(Job).order_by(Job.id.desc()).limit(limit)
    if Role(user.role) != Role.ADMIN:
        stmt = stmt.where(Job.created_by_id == user.id)
    return list(session.scalars(stmt))


def case_jobs(session: Session, user: User, case_id: int, kind: str, limit: int = 5) -> list[Job]:
    """The case's latest jobs of one kind that the user may see (newest first)."""
    stmt = (
        select(Job)
        .where(Job.case_id == case_id, Job.kind == kind)
        .order_by(Job.id.desc())
        .limit(limit)
    )
    if Role(user.role) != Role.ADMIN:
        stmt = stmt.where(Job.created_by_id == user.id)
    return list(session.scalars(stmt))


def job_out(job: Job) -> dict:
    """What the API and the polling page show of a job."""
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "result": job.result,
        "error": job.error,
    }
