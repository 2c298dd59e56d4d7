"""Faults for real: the app served by gunicorn (``legalcase serve``) in a process of its own,
its worker killed with SIGKILL in the middle of an e-mail with many attachments and of a
large upload. Nothing is committed; ``legalcase evidence verify`` then names every object
left behind (orphans) and every temporary file of the dead worker, and the next start of
the server removes the temporary files. The same on S3 (a real S3 server process)."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from legalcase.cli import main
from legalcase.models import CustodyEvent, EvidenceItem
from legalcase.services.auth import issue_token
from tests import factories as F
from tests.conftest import _free_port

WAIT = 60  # seconds any one step may take before the test gives up


def _until(what: str, check, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.005)
    raise AssertionError(f"gave up waiting for {what}")


class Server:
    """``legalcase serve`` with one worker, on a free port, for the test's instance."""

    def __init__(self, env: dict, log: Path) -> None:
        self.port = _free_port()
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "legalcase.cli", "serve", "--port", str(self.port)]
            + ["--workers", "1"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _until("the server to answer", self._answers)

    def _answers(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"the server exited; see {self.log.name}")
        try:
            with urllib.request.urlopen(self.url("/api/v1/openapi.yaml"), timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)  # quick shutdown
            try:
                self.proc.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture
def instance(app, session, tmp_path):
    """A case, an API token and the environment that points a server and the CLI at the
    test's database, instance directory and storage."""
    admin = F.user(session)
    case = F.case(session, admin)
    token = issue_token(session, admin)
    session.commit()
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": app.config["DATABASE_URL"],
        "LEGALCASE_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "LEGALCASE_STORAGE_PATH": app.config["STORAGE_PATH"],
        "LEGALCASE_SECRET_KEY": "fault-test-secret-key-of-enough-length-0123",
    }
    servers: list[Server] = []

    def serve(extra: dict | None = None) -> Server:
        server = Server({**env, **(extra or {})}, tmp_path / "server.log")
        servers.append(server)
        return server

    yield {
        "case": case,
        "token": token,
        "env": env,
        "serve": serve,
        "tmp": Path(app.config["UPLOAD_TMP"]),
    }
    for server in servers:
        server.stop()


def _multipart(fields: dict, filename: str, size: int) -> tuple[str, bytes, bytes]:
    """Content type, the bytes before the file's content, and those after it."""
    boundary = "----legalcase-fault-test"
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return f"multipart/form-data; boundary={boundary}", head, f"\r\n--{boundary}--\r\n".encode()


def _post_in_background(
    server: Server, path: str, token: str, parts: list[bytes], ctype: str, length: int
):
    """POST ``length`` bytes promised, ``parts`` sent, in a thread (its connection dies with
    the worker); returns the thread."""

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        try:
            conn.putrequest("POST", path)
            conn.putheader("Authorization", f"Bearer {token}")
            conn.putheader("Content-Type", ctype)
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            for part in parts:
                conn.send(part)
            conn.getresponse().read()
        except OSError:
            pass  # the worker was killed under us: that is the point
        finally:
            conn.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _worker_pid(tmp: Path, min_size: int = 0) -> int:
    """The worker's pid, read from the name of the temporary file it spools the body to."""

    def spooling():
        for p in tmp.glob("upload-*"):
            try:
                if p.stat().st_size >= min_size:
                    return int(p.name.split("-")[1])
            except FileNotFoundError:
                continue
        return None

    return _until("the worker to spool the upload", spooling)


def _mail_with_attachments(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = "legal@huadong.example.com"
    msg["To"] = "finance@hengda.example.cn"
    msg["Subject"] = "对账单及附件"
    msg["Date"] = "Tue, 10 Nov 2026 10:00:00 +0800"
    msg.set_content("请核对附件。")
    for i in range(n):
        msg.add_attachment(
            f"statement line {i}: amount {i * 37} yuan\n".encode(),
            maintype="text",
            subtype="plain",
            filename=f"statement-{i:04d}.txt",
        )
    return msg.as_bytes()


def _verify(env: dict):
    return CliRunner().invoke(main, ["evidence", "verify"], env=env)


def _orphans(output: str) -> set[str]:
    return set(re.findall(r"孤立对象 (\S+)：", output))


def _strays(output: str) -> set[str]:
    return set(re.findall(r"临时文件 (\S+)：", output))


def _kill_during_email(instance, list_keys, extra_env=None) -> tuple[set[str], int]:
    """Serve, POST an e-mail with 400 attachments, SIGKILL the worker once it has stored
    some of them; returns the keys left in storage and the dead worker's pid."""
    case, tmp = instance["case"], instance["tmp"]
    server = instance["serve"](extra_env)
    mail = _mail_with_attachments(400)
    ctype, head, tail = _multipart({"kind": "email"}, "mail.eml", len(mail))
    parts = [head, mail, tail]
    path = f"/api/v1/cases/{case.id}/evidence"
    length = sum(len(p) for p in parts)
    thread = _post_in_background(server, path, instance["token"], parts, ctype, length)
    pid = _worker_pid(tmp)
    prefix = f"cases/{case.id}/"
    _until("some attachments to be stored", lambda: len(list(list_keys(prefix))) >= 20)
    os.kill(pid, signal.SIGKILL)
    thread.join(WAIT)
    server.stop()
    return {o.key for o in list_keys(prefix)}, pid


def _assert_nothing_committed(session):
    session.rollback()
    assert session.scalar(select(func.count()).select_from(EvidenceItem)) == 0
    assert session.scalar(select(func.count()).select_from(CustodyEvent)) == 0


def test_a_worker_killed_during_an_email_with_many_attachments(instance, app, session):
    store = app.extensions["legalcase_storage"]
    left, pid = _kill_during_email(instance, store.list_keys)
    _assert_nothing_committed(session)
    assert len(left) >= 20  # the e-mail and the attachments stored before the kill
    strays = {str(p) for p in instance["tmp"].glob(f"upload-{pid}-*")}
    assert strays  # the request body, spooled to disk

    result = _verify(instance["env"])
    assert result.exit_code == 1
    assert _orphans(result.output) == left  # every orphan, by its key
    assert strays <= _strays(result.output)
    assert f"进程 {pid} 已不存在" in result.output

    # the next start removes the dead worker's temporary files, not the objects
    server = instance["serve"]()
    urllib.request.urlopen(server.url("/api/v1/openapi.yaml")).read()
    assert list(instance["tmp"].glob(f"*-{pid}-*")) == []
    assert list(store.root.rglob("*.part")) == []
    result = _verify(instance["env"])
    assert result.exit_code == 1 and _strays(result.output) == set()
    assert _orphans(result.output) == left


def test_a_worker_killed_during_a_large_upload(instance, app, session):
    case, tmp = instance["case"], instance["tmp"]
    server = instance["serve"]()
    size = 64 * 2**20
    ctype, head, tail = _multipart({"kind": "other"}, "scan.pdf", size)
    first = b"%PDF-1.4\n" + b"0" * (4 * 2**20)  # 4 MB of the 64 promised; the rest never comes
    thread = _post_in_background(
        server,
        f"/api/v1/cases/{case.id}/evidence",
        instance["token"],
        [head, first],
        ctype,
        len(head) + size + len(tail),
    )
    pid = _worker_pid(tmp, min_size=2**20)
    os.kill(pid, signal.SIGKILL)
    thread.join(WAIT)
    server.stop()
    _assert_nothing_committed(session)
    spool = {str(p) for p in tmp.glob(f"upload-{pid}-*")}
    assert len(spool) == 1

    result = _verify(instance["env"])
    assert result.exit_code == 1
    assert _strays(result.output) == spool and _orphans(result.output) == set()

    server = instance["serve"]()
    urllib.request.urlopen(server.url("/api/v1/openapi.yaml")).read()
    assert list(tmp.glob("upload-*")) == []
    result = _verify(instance["env"])
    assert result.exit_code == 0, result.output


def test_on_s3_a_killed_worker_leaves_orphans_that_verify_names(
    instance, session, minio_storage, s3_endpoint
):
    extra = {
        "LEGALCASE_STORAGE_BACKEND": "minio",
        "LEGALCASE_MINIO_ENDPOINT": s3_endpoint,
        "LEGALCASE_MINIO_ACCESS_KEY": "test-key",
        "LEGALCASE_MINIO_SECRET_KEY": "test-secret",
        "LEGALCASE_MINIO_BUCKET": minio_storage.bucket,
    }
    left, pid = _kill_during_email(instance, minio_storage.list_keys, extra)
    _assert_nothing_committed(session)
    assert len(left) >= 20
    env = {**instance["env"], **extra}
    result = _verify(env)
    assert result.exit_code == 1
    assert _orphans(result.output) == left
    assert f"进程 {pid} 已不存在" in result.output
    for key in left:  # each orphan is really there, unknown to every row
        assert minio_storage.exists(key)
        with minio_storage.open(key) as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == key.rsplit("/")[-1]


def test_start_up_removes_leftovers_of_dead_requests_only(app, tmp_path):
    """Before its first request a server process removes temporary files of dead processes
    and those untouched for an hour; files of live requests stay."""
    tmp = Path(app.config["UPLOAD_TMP"])
    tmp.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = tmp / f"upload-{proc.pid}-x"
    dead.write_bytes(b"half")
    work = tmp / f"bundle-{proc.pid}-y"
    work.mkdir()
    (work / "1.bin").write_bytes(b"page")
    old = tmp / "import-00000000000000000000000000000000"
    old.write_bytes(b"a,b")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    live = tmp / f"upload-{os.getpid()}-z"
    live.write_bytes(b"being uploaded")
    store = app.extensions["legalcase_storage"]
    part = store.root / "cases" / "1" / f".{'a' * 64}.{proc.pid}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"half an object")
    client = app.test_client()
    client.get("/login")
    assert sorted(p.name for p in tmp.iterdir()) == [live.name]
    assert not part.exists()
