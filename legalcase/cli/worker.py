"""Background jobs: legalcase worker [--beat] | jobs tick."""

from __future__ import annotations

import os
import socket

import click

from .common import make_app
from .main import main

SCHEDULER = "legalcase.jobs.schedule:LeasedScheduler"


def worker_argv(concurrency: int, beat: bool, loglevel: str) -> list[str]:
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        f"--concurrency={concurrency}",
        "--queues=legalcase",
        # a name of its own per process, so two workers on one machine are told apart
        f"--hostname=legalcase-{os.getpid()}@{socket.gethostname()}",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:  # only the beat holding the lease sends (legalcase.jobs.schedule)
        argv += ["--beat", f"--scheduler={SCHEDULER}"]
    return argv


@main.command()
@click.option("--concurrency", "-c", default=2, show_default=True, type=int)
@click.option(
    "--beat",
    is_flag=True,
    help="Also run the schedule (daily run, deadlines, weekly checks); however many workers "
    "have --beat, one schedules at a time.",
)
@click.option("--loglevel", default="INFO", show_default=True)
def worker(concurrency: int, beat: bool, loglevel: str) -> None:
    """Run a Celery worker for background jobs (broker: LEGALCASE_QUEUE_URL, else the
    SQLite queue in instance/)."""
    from legalcase.jobs.app import celery_for, queue_url

    app = make_app()
    celery = celery_for(app)
    where = queue_url(app.config).split("@")[-1]  # no password in the log
    click.echo(f"后台任务进程已启动：队列 {where}{'，含定时任务' if beat else ''}")
    celery.worker_main(worker_argv(concurrency, beat, loglevel))


@main.group()
def jobs() -> None:
    """Background jobs."""


@jobs.command("tick")
def jobs_tick() -> None:
    """Start the scheduled runs that are due now (what beat does), and send again the jobs
    whose worker died; for a deployment that schedules with cron instead of beat."""
    from legalcase.jobs.schedule import tick
    from legalcase.models.base import utcnow

    app = make_app()
    with app.app_context():
        started = tick(app, utcnow())
    click.echo("已启动：" + ("、".join(started) if started else "无（没有到期的定时任务）"))


def start_embedded_worker(concurrency: int = 1):
    """``legalcase serve``'s own worker with the schedule, in a process of its own (on the
    broker of LEGALCASE_QUEUE_URL, by default the SQLite queue in instance/); returns the
    process, for the server to stop when it stops."""
    import subprocess
    import sys

    argv = [sys.executable, "-m", "legalcase.cli", "worker", "--beat", "-c", str(concurrency)]
    return subprocess.Popen(argv)


def stop_embedded_worker(process, timeout: float = 20) -> None:
    import subprocess

    if process is None or process.poll() is not None:
        return
    process.terminate()  # a warm shutdown: the job in hand is put back on the queue
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
