"""A warm LibreOffice (unoserver + soffice) runs in a process group of its own, so a Ctrl-C
at the terminal does not reach it: it must be stopped by the process that started it when
that process stops: a gunicorn worker (worker_exit), the arbiter (on_exit), a job worker's
pool process (Celery's worker_process_shutdown) and `legalcase serve` itself."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from gunicorn.config import Config

import docgen.warm as warm
from legalcase.gunicorn_conf import settings


def _gone(pid: int) -> bool:
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def running_office(monkeypatch):
    """This process's warm office, its server stood in for by a process group (a shell and
    its child, as unoserver and its soffice.bin) that ignores nothing."""
    office = warm.WarmOffice("soffice")
    office.proc = subprocess.Popen(
        ["sh", "-c", "sleep 300 & echo $! ; wait"],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    child = int(office.proc.stdout.readline())
    monkeypatch.setattr(warm, "_office", office)
    monkeypatch.setattr(warm, "_office_pid", os.getpid())
    yield office, office.proc.pid, child
    office.stop()


def test_a_gunicorn_worker_stops_its_office_as_it_exits(running_office):
    _office, server, child = running_office
    cfg = Config()
    for name, value in settings("sqlite:///x").items():
        cfg.set(name, value)
    cfg.worker_exit(None, None)
    assert _gone(server) and _gone(child)


def test_the_arbiter_stops_its_office_as_the_server_stops(running_office):
    _office, server, child = running_office
    cfg = Config()
    for name, value in settings("sqlite:///x").items():
        cfg.set(name, value)
    cfg.on_exit(None)
    assert _gone(server) and _gone(child)


def test_a_job_pool_process_stops_its_office_as_it_exits(app, running_office):
    from celery import signals

    from legalcase.jobs.app import make_celery

    make_celery(app)
    _office, server, child = running_office
    signals.worker_process_shutdown.send(sender=None, pid=os.getpid(), exitcode=0)
    assert _gone(server) and _gone(child)
