"""Background jobs (issue 15): one row per job, one row per item done, and the schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .users import User


class Job(Base):
    """Work done by a worker: who asked, how far it got, what came of it.

    ``status`` is one of ``legalcase.domain.values.JOB_STATUSES``; ``heartbeat_at`` is
    moved on by the worker running it, so that a job whose worker died is found and run
    again (``legalcase.jobs.schedule.requeue_stale``)."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_heartbeat_at", "status", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The case it is about, when it is about one (a bundle, a legal hold).
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    worker: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()


class JobItem(Base):
    """One item of a job that is done (a letter generated, a row imported): committed in
    the same transaction as its effect, so a job run again skips it."""

    __tablename__ = "job_items"
    __table_args__ = (UniqueConstraint("job_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    key: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict | None] = mapped_column(JSON)
    # Why the item was skipped (a refused precondition), shown in the job's result.
    problem: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScheduleState(Base):
    """A scheduled run's last slot (a missed one runs at the next start), or the lease of
    the one scheduler (name ``scheduler``: its holder and until when)."""

    __tablename__ = "schedule_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_slot: Mapped[datetime | None] = mapped_column(UTCDateTime)
    job_id: Mapped[int | None] = mapped_column()
    holder: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
