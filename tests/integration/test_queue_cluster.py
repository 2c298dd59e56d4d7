"""Issue 15 point 6: two app servers and two workers on the test database and Redis; a
batch of letters submitted through the API; the worker running it killed with kill -9
midway; the job still finishes with each letter exactly once, gap-free numbers and a
complete zip.

Real processes: ``legalcase serve --no-jobs`` twice, ``legalcase worker --beat`` twice (one
scheduler holds the lease), Redis on 127.0.0.1:6379 (a missing Redis fails the test)."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from datetime import timedelta
from pathlib import Path

import redis
from sqlalchemy import func, select

from legalcase.models import GeneratedDocument
from legalcase.models.base import utcnow
from legalcase.models.jobs import Job
from legalcase.services.auth import issue_token
from legalcase.services.clock import today
from tests import factories as F
from tests.conftest import _free_port

LETTERS = 120
# its own Redis database (scripts/test runs the SQLite and PostgreSQL passes side by side)
REDIS_DB = int(os.environ.get("LEGALCASE_TEST_REDIS_DB", "11"))
WAIT = 240


def _until(what: str, check, timeout: float = WAIT, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what}")


class Proc:
    def __init__(self, argv: list[str], env: dict, log: Path) -> None:
        self.log_path = log
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "legalcase.cli", *argv],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 reaches its children
        )

    def text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=30)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def _call(
    port: int, method: str, path: str, token: str, body=None, expect: int | None = None
) -> tuple[int, dict, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read()), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        if exc.code != expect:
            raise
        return exc.code, json.loads(exc.read()), time.monotonic() - started


def settled(session) -> bool:
    """The runs the schedule starts on a first start (daily run, deadlines, ...) are over:
    on SQLite their writes would hold the one write lock while the test measures requests."""
    session.rollback()
    busy = session.scalar(
        select(func.count()).select_from(Job).where(Job.status.in_(("queued", "running")))
    )
    started = session.scalar(select(func.count()).select_from(Job))
    return started > 0 and busy == 0


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.yaml", timeout=2):
            return True
    except OSError:
        return False


def test_two_servers_two_workers_one_killed_every_letter_once(app, session, tmp_path):
    queue = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    queue.ping()  # Redis must be running: scripts/test starts it
    queue.flushdb()
    admin = F.user(session, "admin")
    ids = []
    cred = F.creditor(session)  # one creditor: one series of letter numbers
    for i in range(LETTERS):
        case = F.case(session, admin, cred=cred, title=f"集群{i}")
        due = today() - timedelta(days=40)
        F.receivable(session, admin, case, f"Q-{i}", "1000", due - timedelta(days=30), due)
        ids.append(case.id)
    token = issue_token(session, admin)
    session.commit()

    instance = tmp_path / "instance"
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": app.config["DATABASE_URL"],
        "LEGALCASE_INSTANCE_PATH": str(instance),
        "LEGALCASE_STORAGE_PATH": app.config["STORAGE_PATH"],  # shared by every process
        "LEGALCASE_SECRET_KEY": "s" * 64,
        "LEGALCASE_QUEUE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "LEGALCASE_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "LEGALCASE_JOB_STALE_SECONDS": "6",
        "LEGALCASE_SCHEDULER_LEASE_SECONDS": "6",
        "LEGALCASE_TICK_SECONDS": "2",
    }
    procs: list[Proc] = []
    try:
        ports = [_free_port(), _free_port()]
        for n, port in enumerate(ports):
            argv = ["serve", "--no-jobs", "--workers", "1", "--port", str(port)]
            procs.append(Proc(argv, env, tmp_path / f"server{n}.log"))
        workers = [
            Proc(["worker", "--beat", "-c", "1"], env, tmp_path / f"worker{n}.log")
            for n in range(2)
        ]
        procs += workers
        for port in ports:
            _until("a server to answer", lambda port=port: _answers(port), timeout=90)
        for w in workers:
            _until("a worker to be ready", lambda w=w: " ready." in w.text(), timeout=90)

        _until("the first scheduled runs to end", lambda: settled(session), every=1)
        for port in ports:  # a first request of each server (imports, the temp-file sweep)
            _call(port, "GET", "/cases?per_page=1", token)
            _call(port, "GET", "/jobs/999999", token, expect=404)
        body = {"doc_type": "reminder_30", "case_ids": ids}
        status, answer, _ = _call(ports[0], "POST", "/documents/batch", token, body)
        answered = utcnow()  # its speed is bench/jobs_submit.py's; here: it did not wait
        assert status == 202, status
        job_id = answer["job_id"]
        at_answer = _call(ports[1], "GET", f"/jobs/{job_id}", token)[1]
        assert at_answer["status"] in ("queued", "running") and at_answer["done"] < LETTERS

        def progress() -> dict:
            return _call(ports[1], "GET", f"/jobs/{job_id}", token)[1]  # the other server

        _until("a third of the letters", lambda: progress()["done"] >= LETTERS // 3)
        session.rollback()
        running_on = session.get(Job, job_id).worker
        victim = next(w for w in workers if running_on.startswith(f"legalcase-{w.proc.pid}@"))
        victim.kill9()
        done_at_kill = progress()["done"]
        assert done_at_kill < LETTERS, "the job finished before the kill; raise LETTERS"

        job = _until("the job to finish", lambda: progress()["status"] in ("done", "failed"))
        job = progress()
        assert job["status"] == "done", job
        assert job["done"] == job["total"] == LETTERS
        assert job["result"]["generated"] == LETTERS and job["result"]["skipped"] == []

        session.rollback()
        row = session.get(Job, job_id)
        assert row.finished_at > answered  # the 202 came before the work was done
        assert row.attempts == 2 and not row.worker.startswith(f"legalcase-{victim.proc.pid}@")
        per_case = dict(
            session.execute(
                select(GeneratedDocument.case_id, func.count()).group_by(GeneratedDocument.case_id)
            ).all()
        )
        assert per_case == dict.fromkeys(ids, 1)  # each letter exactly once
        numbers = sorted(
            int(re.search(r"(\d+)号?$", n).group(1))
            for n in session.scalars(select(GeneratedDocument.letter_number))
        )
        assert numbers == list(range(numbers[0], numbers[0] + LETTERS))  # no gaps

        storage = app.extensions["legalcase_storage"]
        with storage.open(job["result"]["zip_key"]) as fh:
            names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
        assert len(names) == LETTERS == len(set(names))
        refs = {d.reference for d in session.scalars(select(GeneratedDocument))}
        assert {n.split("-")[0] for n in names} == refs
        survivor = next(w for w in workers if w is not victim)
        assert "sending it again" in survivor.text() or "sending it again" in victim.text()
    finally:
        for p in procs:
            p.stop()
        queue.flushdb()
