"""The embedded default (issue 15 point 2): ``legalcase serve`` alone runs background jobs,
on a queue that needs no server (kombu's SQLAlchemy transport on a SQLite file in
instance/); a batch submitted to it finishes while the request that started it returned
at once."""

from __future__ import annotations

import os
import sqlite3
from datetime import timedelta

from legalcase.models.base import utcnow
from legalcase.models.jobs import Job
from legalcase.services.auth import issue_token
from legalcase.services.clock import today
from tests import factories as F
from tests.conftest import _free_port
from tests.integration.test_queue_cluster import Proc, _answers, _call, _until, settled


def test_serve_runs_jobs_on_the_sqlite_queue_without_any_server(app, session, tmp_path):
    admin = F.user(session, "admin")
    ids = []
    for i in range(3):
        case = F.case(session, admin, title=f"内置{i}")
        due = today() - timedelta(days=40)
        F.receivable(session, admin, case, f"E-{i}", "1000", due - timedelta(days=30), due)
        ids.append(case.id)
    token = issue_token(session, admin)
    session.commit()
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items() if k != "LEGALCASE_QUEUE_URL"}
    env.update(
        LEGALCASE_DATABASE_URL=app.config["DATABASE_URL"],
        LEGALCASE_INSTANCE_PATH=str(instance),
        LEGALCASE_STORAGE_PATH=app.config["STORAGE_PATH"],
        LEGALCASE_SECRET_KEY="e" * 64,
    )
    port = _free_port()
    server = Proc(["serve", "--workers", "1", "--port", str(port)], env, tmp_path / "serve.log")
    try:
        _until("the server to answer", lambda: _answers(port), timeout=90)
        # its worker's beat starts the scheduled runs at once (none ran before)
        _until("the first scheduled runs to end", lambda: settled(session), every=1)
        _call(port, "GET", "/cases?per_page=1", token)  # its first request
        _call(port, "GET", "/jobs/999999", token, expect=404)
        body = {"doc_type": "reminder_30", "case_ids": ids}
        status, answer, _ = _call(port, "POST", "/documents/batch", token, body)
        answered = utcnow()  # its speed is bench/jobs_submit.py's; here: it did not wait
        assert status == 202
        job_id = answer["job_id"]

        def job() -> dict:
            return _call(port, "GET", f"/jobs/{job_id}", token)[1]

        _until("the job to finish", lambda: job()["status"] in ("done", "failed"), timeout=120)
        assert job()["status"] == "done" and job()["result"]["generated"] == 3, job()
        session.rollback()
        session.expire_all()
        finished = session.get(Job, job_id).finished_at
        assert finished > answered  # the 202 came before the letters were made
        assert "legalcase.run_job" in server.text()  # run by serve's own worker
        queue = sqlite3.connect(instance / "queue.db")  # the queue is this file
        assert queue.execute("select count(*) from kombu_message").fetchone()[0] >= 1
    finally:
        server.stop()
