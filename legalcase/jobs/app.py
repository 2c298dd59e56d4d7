"""The Celery app, configured from the Flask app's settings.

The broker is ``LEGALCASE_QUEUE_URL``: Redis in production (``redis://host:6379/0``);
without it, the embedded default needs no server: kombu's SQLAlchemy transport on a
SQLite file in instance/ (``sqla+sqlite:///instance/queue.db``), which ``legalcase serve``
uses with the worker it starts. Results are not kept by Celery: a job's row is ours.
"""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from flask import Flask

RUN_JOB = "legalcase.run_job"
TICK = "legalcase.tick"


def setting(config: dict, name: str, default: str) -> str:
    """``config[name]`` (tests, create_app overrides) else ``LEGALCASE_<name>``."""
    value = config.get(name)
    if value is None:
        value = os.environ.get(f"LEGALCASE_{name}", default)
    return str(value)


def queue_url(config: dict) -> str:
    default = f"sqla+sqlite:///{Path(config['INSTANCE_PATH']) / 'queue.db'}"
    return setting(config, "QUEUE_URL", "") or default


def is_eager(config: dict) -> bool:
    """Tests of services run jobs in the request that submits them (Celery's eager mode)
    unless they name a queue; ``LEGALCASE_JOBS_EAGER=1`` forces it."""
    flag = setting(config, "JOBS_EAGER", "").lower()
    if flag:
        return flag in ("1", "true", "yes", "on")
    return bool(config.get("TESTING")) and not setting(config, "QUEUE_URL", "")


def seconds(config: dict, name: str, default: int) -> int:
    return int(setting(config, name, str(default)))


def transport_options(url: str, time_limit: int) -> dict:
    if url.startswith(("redis://", "rediss://")):
        # An unacknowledged message is delivered again after this long; our own check for
        # stale jobs (schedule.requeue_stale) resends a dead worker's job much sooner.
        return {"visibility_timeout": time_limit + 600}
    return {}  # the SQLAlchemy transport hands its options to create_engine


def _office_down(**_kwargs) -> None:
    from docgen.warm import shutdown

    shutdown()


def _office_goes_with_the_worker() -> None:
    """A job worker's warm LibreOffice (unoserver + soffice, own process group) stops with
    the pool process that started it (prefork children leave by os._exit: no atexit) and
    with the worker."""
    from celery import signals

    signals.worker_process_shutdown.connect(_office_down, weak=False, dispatch_uid="lc-office")
    signals.worker_shutdown.connect(_office_down, weak=False, dispatch_uid="lc-office-main")


def make_celery(flask_app: Flask) -> Celery:
    from . import tasks

    config = flask_app.config
    url = queue_url(config)
    celery = Celery("legalcase", broker=url, set_as_current=False)
    time_limit = seconds(config, "JOB_TIME_LIMIT", 6 * 3600)
    celery.conf.update(
        # A message is acknowledged when its job ended, not when it was received: a worker
        # that dies (kill -9, a lost machine) leaves it to be delivered again.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_time_limit=time_limit,
        task_soft_time_limit=max(time_limit - 60, 60),
        task_always_eager=is_eager(config),
        task_eager_propagates=True,
        task_default_queue="legalcase",
        broker_connection_retry_on_startup=True,
        broker_transport_options=transport_options(url, time_limit),
        beat_schedule={
            "tick": {"task": TICK, "schedule": float(seconds(config, "TICK_SECONDS", 30))}
        },
        timezone="Asia/Shanghai",
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    celery.flask_app = flask_app
    tasks.register(celery)
    _office_goes_with_the_worker()
    return celery


def prune_sql_queue(config: dict, older_than_days: int = 1) -> int:
    """The SQLAlchemy transport keeps every message it handed out (marked invisible, never
    deleted): remove those older than a day. Nothing to do on Redis."""
    url = queue_url(config)
    if not url.startswith("sqla+"):
        return 0
    from datetime import datetime, timedelta

    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url.removeprefix("sqla+"))
    try:
        if not inspect(engine).has_table("kombu_message"):
            return 0
        cutoff = datetime.now() - timedelta(days=older_than_days)  # kombu stores local time
        with engine.begin() as conn:
            gone = conn.execute(
                text("DELETE FROM kombu_message WHERE visible = :no AND timestamp < :cutoff"),
                {"no": False, "cutoff": cutoff},
            )
        return gone.rowcount
    finally:
        engine.dispose()


def celery_for(flask_app: Flask) -> Celery:
    """The Celery app of this Flask app (made once)."""
    celery = flask_app.extensions.get("legalcase_celery")
    if celery is None:
        celery = flask_app.extensions["legalcase_celery"] = make_celery(flask_app)
    return celery


def warm(flask_app: Flask) -> None:
    """Make the Celery app and load what sending needs (its modules take a second to
    import) without connecting: a server calls this before it forks, so that no request
    that starts a job pays for it."""
    from . import load_kinds

    load_kinds()  # the job kinds' modules (submit checks the kind)
    celery = celery_for(flask_app)
    celery.amqp.producer_pool  # noqa: B018 - loads the message protocol
    conn = celery.connection_for_write()
    try:
        conn.transport  # noqa: B018 - imports the broker's transport; no connection yet
        from kombu import pools  # noqa: F401
    finally:
        conn.release()


def send(flask_app: Flask, job_id: int) -> None:
    """Put the job's message on the queue (eager mode: run it now)."""
    celery = celery_for(flask_app)
    celery.tasks[RUN_JOB].apply_async(args=[job_id])
