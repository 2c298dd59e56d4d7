"""The schedule: Celery beat sends ``legalcase.tick`` every TICK_SECONDS; the tick starts
each scheduled run whose slot has come, once, and sends again the jobs whose worker died.

Exactly one scheduler runs however many workers were started with ``--beat``: the beat
ticks only while it holds the lease in ``schedule_state`` (row ``scheduler``), taken with
one conditional UPDATE (atomic on PostgreSQL and SQLite alike) and renewed at each beat.
Should two ticks still meet, each slot is claimed by one conditional UPDATE of its row,
so a run starts once. The last slot run is kept in the database: a server that was down
at a run's hour (or for days) runs it once when it starts again.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from celery.beat import Scheduler
from flask import Flask
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legalcase.db import db
from legalcase.models.base import utcnow
from legalcase.models.jobs import Job, ScheduleState
from legalcase.services import jobs as job_svc
from legalcase.services.clock import SHANGHAI

from . import submit
from .app import seconds, send

log = logging.getLogger(__name__)
LEASE = "scheduler"


@dataclass(frozen=True)
class Scheduled:
    name: str
    kind: str
    at: time  # China time
    weekday: int | None = None  # 0 = Monday; None: every day


def schedule(config: dict) -> list[Scheduled]:
    hour, minute = map(int, config.get("ALERTS_AT", "08:00").split(":"))
    return [
        Scheduled("daily", "daily.run", time(hour, minute)),
        Scheduled("deadlines", "deadlines.refresh", time(2, 0)),
        Scheduled("reverify", "evidence.verify", time(3, 0), weekday=6),
        Scheduled("cleanup", "temp.cleanup", time(4, 0), weekday=6),
        # the payment-propensity model learns the week's history (issue 18)
        Scheduled("model", "model.train", time(5, 0), weekday=0),
        # RFC 3161 timestamps still pending (the authority was down), four times a day (issue 16)
        *(
            Scheduled(f"timestamps-{h:02d}", "timestamps.retry", time(h, 30))
            for h in (0, 6, 12, 18)
        ),
    ]


def last_slot(entry: Scheduled, now: datetime) -> datetime:
    """The latest time at or before ``now`` the entry was due (timezone-aware)."""
    local = now.astimezone(SHANGHAI)
    slot = datetime.combine(local.date(), entry.at, tzinfo=SHANGHAI)
    if slot > local:
        slot -= timedelta(days=1)
    if entry.weekday is not None:
        slot -= timedelta(days=(slot.weekday() - entry.weekday) % 7)
    return slot


def _ensure_rows(names: list[str]) -> None:
    with db.unit_of_work(write=True) as uow:
        have = set(uow.session.scalars(select(ScheduleState.name)))
        for name in names:
            if name not in have:
                uow.session.add(ScheduleState(name=name))
        try:
            uow.commit()
        except IntegrityError:  # another scheduler made them meanwhile
            uow.rollback()


def claim(session: Session, name: str, slot: datetime) -> bool:
    """Take the run of ``name`` for ``slot`` unless it (or a later slot) was taken."""
    taken = session.execute(
        update(ScheduleState)
        .where(
            ScheduleState.name == name,
            or_(ScheduleState.last_slot.is_(None), ScheduleState.last_slot < slot),
        )
        .values(last_slot=slot)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def requeue_stale(app: Flask, now: datetime) -> list[int]:
    """Send again the jobs whose worker stopped beating (killed) or whose message was lost.
    Each is marked queued (heartbeat now) first, so the next tick leaves it alone a while."""
    stale_after = timedelta(seconds=seconds(app.config, "JOB_STALE_SECONDS", 120))
    # a queued job may wait long behind others: only a long wait means a lost message
    queued_after = timedelta(seconds=seconds(app.config, "JOB_QUEUED_STALE_SECONDS", 1800))
    with db.unit_of_work(write=True) as uow:
        ids = job_svc.stale(uow.session, now, stale_after, queued_after)
        if ids:
            uow.session.execute(
                update(Job)
                .where(Job.id.in_(ids))
                .values(status=job_svc.QUEUED, heartbeat_at=now)
                .execution_options(synchronize_session=False)
            )
        uow.commit()
    for job_id in ids:
        log.warning("job %s: its worker stopped; sending it again", job_id)
        send(app, job_id)
    return ids


def tick(app: Flask, now: datetime) -> list[str]:
    """Start what is due at ``now``; returns the names started."""
    entries = schedule(app.config)
    _ensure_rows([e.name for e in entries])
    requeue_stale(app, now)
    started = []
    for entry in entries:
        slot = last_slot(entry, now)
        with db.unit_of_work(write=True) as uow:
            if not claim(uow.session, entry.name, slot):
                continue
            params = {"slot": slot.isoformat()}
            if entry.kind in ("daily.run", "deadlines.refresh"):
                params["day"] = slot.date().isoformat()
            job = submit(uow.session, entry.kind, params=params)
            uow.session.execute(
                update(ScheduleState)
                .where(ScheduleState.name == entry.name)
                .values(job_id=job.id)
                .execution_options(synchronize_session=False)
            )
            uow.commit()  # sends the job
        started.append(entry.name)
    return started


def hold_lease(holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the one scheduler's lease; False while another holder's is valid."""
    _ensure_rows([LEASE])
    with db.unit_of_work(write=True) as uow:
        taken = uow.session.execute(
            update(ScheduleState)
            .where(
                ScheduleState.name == LEASE,
                or_(
                    ScheduleState.holder.is_(None),
                    ScheduleState.holder == holder,
                    ScheduleState.lease_until < now,
                ),
            )
            .values(holder=holder, lease_until=now + ttl)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
    return taken.rowcount == 1


class LeasedScheduler(Scheduler):
    """Celery beat's scheduler that sends only while it holds the lease; when it takes the
    lease it ticks at once (what was missed while no scheduler ran starts now)."""

    def setup_schedule(self) -> None:
        super().setup_schedule()
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        self.holding = False
        config = self.app.flask_app.config
        self.ttl = timedelta(seconds=seconds(config, "SCHEDULER_LEASE_SECONDS", 90))
        self.max_interval = min(self.max_interval, max(self.ttl.total_seconds() / 3, 1))

    def tick(self, *args, **kwargs) -> float:
        flask_app = self.app.flask_app
        try:
            with flask_app.app_context():
                holding = hold_lease(self.holder, utcnow(), self.ttl)
        except Exception:  # the database is away: try again at the next beat
            log.exception("scheduler lease")
            holding = False
        if holding and not self.holding:
            log.info("this beat is the scheduler (%s)", self.holder)
            self.app.send_task("legalcase.tick")
        self.holding = holding
        if not holding:
            return self.max_interval
        return min(super().tick(*args, **kwargs), self.max_interval)


__all__ = ["LeasedScheduler", "Scheduled", "claim", "last_slot", "schedule", "tick"]
