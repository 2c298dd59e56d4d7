"""A long upload on a slow line is not killed by gunicorn's timeout (issue 15 point 5): the
served app runs threaded workers whose main loop keeps telling the arbiter it is alive while
a request thread reads the body. Here the timeout is cut to 2 s and a body dribbles in over
about 5 s; a sync worker would be killed mid-request (the connection dropped)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _slow_body(seconds: float, pieces: int = 10):
    for _ in range(pieces):
        time.sleep(seconds / pieces)
        yield b"username=nobody&x=" + b"a" * 100 + b"&"


def test_a_slow_upload_outlives_the_worker_timeout(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "LEGALCASE_INSTANCE_PATH": str(tmp_path / "instance"),
        "LEGALCASE_GUNICORN_TIMEOUT": "2",
    }
    for name in ("LEGALCASE_DATABASE_URL", "LEGALCASE_ENV", "LEGALCASE_SECRET_KEY"):
        env.pop(name, None)
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "legalcase.cli", "serve", "--port", str(port), "--workers", "1"]
        + ["--no-jobs"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "serve.log"
                ).read_text(errors="replace")[-2000:]
                time.sleep(0.3)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.monotonic()
        conn.request(
            "POST",
            "/login",
            body=_slow_body(5.0),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            encode_chunked=True,
        )
        response = conn.getresponse()
        response.read()
        assert time.monotonic() - started >= 4.5
        assert response.status in (200, 400, 401, 422)  # answered, not dropped
        assert b"WORKER TIMEOUT" not in (tmp_path / "serve.log").read_bytes()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)
        log.close()
