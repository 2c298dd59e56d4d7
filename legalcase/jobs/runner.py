"""Running one job: take its row, call its kind with a ``JobContext``, record the outcome.

Each row update (taken, progress, finished, failed) is a short unit of work of its own, and
each item's effect commits with its ``JobItem`` in another: the job's row never waits on an
item's transaction and the page that polls it sees progress as it happens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.models import User
from legalcase.models.jobs import Job
from legalcase.services import jobs as job_svc
from legalcase.services.audit import set_actor
from legalcase.services.scope import apply_scope

from . import load_kinds
from .app import seconds

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress commits


def stale_after(config: dict) -> timedelta:
    """A running job whose worker has not beaten for this long is taken as dead."""
    return timedelta(seconds=seconds(config, "JOB_STALE_SECONDS", 120))


@dataclass(frozen=True)
class Done:
    """An item done (plain data: it outlives its unit of work)."""

    key: str
    result: dict | None
    problem: str | None

    @classmethod
    def of(cls, row) -> Done:
        return cls(row.key, row.result, row.problem)


class Item:
    """One item's unit of work: ``session``, ``storage``, the job's ``actor`` in it; set
    ``result`` (JSON) to keep it with the item."""

    def __init__(self, uow, actor: User | None) -> None:
        self.uow, self.session, self.storage = uow, uow.session, uow.storage
        self.actor = actor
        self.result: dict | None = None


class JobContext:
    def __init__(self, app: Flask, job: Job, done: dict) -> None:
        self.app = app
        self.config = app.config
        self.job_id = job.id
        self.kind = job.kind
        self.params: dict = dict(job.params or {})
        self.created_by_id = job.created_by_id
        self.items = done  # key -> JobItem already done (an earlier attempt)
        self.done = len(done)
        self.total = job.total
        self._reported = 0.0

    @contextmanager
    def unit_of_work(self, write: bool = True) -> Iterator:
        """A unit of work of the job's own (committed by the caller)."""
        with db.unit_of_work(write=write) as uow:
            if self.created_by_id is not None:
                actor = uow.session.get(User, self.created_by_id)
                apply_scope(uow.session, actor)  # the job reaches what its creator may
                set_actor(uow.session, self.created_by_id)
            yield uow

    def progress(self, done: int | None = None, total: int | None = None, force=False) -> None:
        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if not force and total is None and now - self._reported < PROGRESS_EVERY:
            return
        self._reported = now
        with db.unit_of_work(write=True) as uow:
            job_svc.progress(uow.session, self.job_id, self.done, self.total)
            uow.commit()

    def pending(self, keys: Iterable, total: bool = True) -> Iterator:
        """The keys not done yet (in order); ``total``: the job's total is their number."""
        keys = list(keys)
        if total:
            self.progress(total=len(keys))
        for key in keys:
            if str(key) not in self.items:
                yield key
        self.progress(force=True)

    @contextmanager
    def item(self, key) -> Iterator[Item]:
        """One item in its own unit of work: committed with its JobItem when the block
        ends; a DomainError rolls the effect back and records the item as skipped with
        its message (a refused precondition is not tried again)."""
        key = str(key)
        problem = None
        with self.unit_of_work() as uow:
            actor = uow.session.get(User, self.created_by_id) if self.created_by_id else None
            item = Item(uow, actor)
            try:
                yield item
            except DomainError as exc:
                uow.rollback()
                problem = exc.message
            else:
                row = job_svc.record_item(uow.session, self.job_id, key, item.result)
                self.items[key] = Done.of(row)
                uow.commit()
        if problem is not None:
            with self.unit_of_work() as uow:
                row = job_svc.record_item(uow.session, self.job_id, key, problem=problem)
                self.items[key] = Done.of(row)
                uow.commit()
        self.progress(done=self.done + 1)


def _update(fn, *args) -> None:
    with db.unit_of_work(write=True) as uow:
        fn(uow.session, *args)
        uow.commit()


def run(app: Flask, job_id: int, worker: str) -> str:
    """Run the job unless it is finished or a live worker runs it; returns what happened."""
    with db.unit_of_work(write=True) as uow:
        taken = job_svc.start(uow.session, job_id, worker, stale_after(app.config))
        uow.commit()
    if not taken:
        return "not taken"
    with db.unit_of_work() as uow:
        job = uow.session.get(Job, job_id)
        done = {k: Done.of(v) for k, v in job_svc.done_items(uow.session, job_id).items()}
        ctx = JobContext(app, job, done)
    kind = load_kinds().get(ctx.kind)
    if kind is None:
        _update(job_svc.fail, job_id, f"未知的任务类型：{ctx.kind}")
        return "failed"
    try:
        result = kind.run(ctx)
    except DomainError as exc:
        _update(job_svc.fail, job_id, exc.message)
        return "failed"
    except Exception as exc:
        from .tasks import TRANSIENT

        if isinstance(exc, TRANSIENT):  # Celery tries again later; the job waits queued
            _update(_requeue, job_id)
            raise
        log.exception("job %s (%s) failed", job_id, ctx.kind)
        _update(job_svc.fail, job_id, f"内部错误（{type(exc).__name__}），请联系管理员")
        return "failed"
    _update(job_svc.finish, job_id, result)
    return "done"


def _requeue(session, job_id: int) -> None:
    job = session.get(Job, job_id)
    if job.status == job_svc.RUNNING:
        job.status = job_svc.QUEUED
