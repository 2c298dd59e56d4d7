"""The Celery tasks: ``run_job`` (every kind of job) and ``tick`` (the schedule)."""

from __future__ import annotations

import logging

from celery import Celery
from sqlalchemy.exc import OperationalError

from legalcase.db import DatabaseBusy

log = logging.getLogger(__name__)

# Worth another try later: the database was busy or unreachable, the broker blinked.
TRANSIENT = (OperationalError, DatabaseBusy, ConnectionError)


def register(celery: Celery) -> None:
    from .app import RUN_JOB, TICK

    @celery.task(
        name=RUN_JOB,
        shared=False,  # each Celery app (one per Flask app) has its own
        bind=True,
        autoretry_for=TRANSIENT,
        retry_backoff=5,
        retry_backoff_max=300,
        retry_jitter=True,
        max_retries=8,
    )
    def run_job(self, job_id: int) -> str:
        from .runner import run

        flask_app = celery.flask_app
        with flask_app.app_context():
            return run(flask_app, job_id, worker=self.request.hostname or "eager")

    @celery.task(name=TICK, shared=False, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3)
    def tick() -> list[str]:
        from legalcase.models.base import utcnow

        from .schedule import tick as schedule_tick

        flask_app = celery.flask_app
        with flask_app.app_context():
            return schedule_tick(flask_app, utcnow())
