"""Request size limits (issue 11, point 1): the probe posted 1 GiB to /login without a session
and it was spooled to disk before the CSRF check. Every body is now refused with 413 past the
limit of its endpoint, before it is read, and an anonymous request never spools a file."""

from __future__ import annotations

import io
import json
import os
import select
import socket
import subprocess
import sys
import time
from http.client import HTTPResponse
from pathlib import Path

import pytest

from legalcase.services.auth import issue_token
from tests import factories as F
from tests.web.security import login

MB = 2**20
BOUNDARY = "limitsboundary"


def _no_temp_files(directory) -> bool:
    path = Path(directory)
    return not path.exists() or list(path.iterdir()) == []


def _declared(client, path: str, size: int, **kw):
    """A request that declares ``size`` bytes but carries only a few: refused on the header."""
    return client.post(
        path,
        input_stream=io.BytesIO(b"x" * 1024),
        environ_overrides={"CONTENT_LENGTH": str(size)},
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        **kw,
    )


def test_login_refuses_a_large_body_without_a_session(web, client):
    r = _declared(client, "/login", 2**30)
    assert r.status_code == 413
    assert "请求内容超过上限 64 KB" in r.data.decode()
    r = client.post("/login", data={"username": "x" * (100 * 1024), "password": "p"})
    assert r.status_code == 413
    assert _no_temp_files(web.config["UPLOAD_TMP"])


def test_evidence_upload_over_its_limit_names_the_limit(web, client, session):
    web.config["EVIDENCE_MAX_MB"] = 2
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    over = {"kind": "other", "file": (io.BytesIO(b"x" * (3 * MB)), "big.txt")}
    r = client.post(f"/cases/{case.id}/evidence", data=over, content_type="multipart/form-data")
    assert r.status_code == 413 and "文件超过上限 2 MB，未保存" in r.data.decode()
    # over the 1 MB of an ordinary form but within the evidence limit: accepted
    ok = {"kind": "other", "file": (io.BytesIO(b"y" * (3 * MB // 2)), "ok.txt")}
    r = client.post(f"/cases/{case.id}/evidence", data=ok, content_type="multipart/form-data")
    assert r.status_code == 302
    r = client.get(f"/cases/{case.id}/evidence")
    assert "ok.txt" in r.data.decode() and "big.txt" not in r.data.decode()
    assert _no_temp_files(web.config["UPLOAD_TMP"])


def test_an_ordinary_form_of_a_signed_in_user_is_limited_to_1_mb(client, session):
    admin = F.user(session)
    login(client, admin)
    r = client.post("/cases/new", data={"title": "x" * (2 * MB)})
    assert r.status_code == 413 and "请求内容超过上限 1 MB" in r.data.decode()


def test_template_over_20_mb_and_import_over_50_mb_are_refused(client, session):
    admin = F.user(session)
    login(client, admin)
    r = _declared(client, "/settings/templates/reminder_30", 20 * MB + 200 * 1024)
    assert r.status_code == 413 and "文件超过上限 20 MB" in r.data.decode()
    r = _declared(client, "/imports", 50 * MB + 200 * 1024)
    assert r.status_code == 413 and "文件超过上限 50 MB" in r.data.decode()
    # the same sizes to evidence (200 MB by default) pass the size check
    case = F.case(session, admin)
    r = _declared(client, f"/cases/{case.id}/evidence", 50 * MB + 200 * 1024)
    assert r.status_code != 413


def test_api_upload_over_the_limit_is_a_json_413(web, session):
    web.config["EVIDENCE_MAX_MB"] = 1
    admin = F.user(session)
    case = F.case(session, admin)
    token = issue_token(session, admin)
    session.commit()
    client = web.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post(
        f"/api/v1/cases/{case.id}/evidence",
        headers=headers,
        content_type="multipart/form-data",
        data={"kind": "invoice", "file": (io.BytesIO(b"x" * (2 * MB)), "big.txt")},
    )
    assert r.status_code == 413
    assert r.json["error"]["code"] == "too_large"
    assert r.json["error"]["message"] == "文件超过上限 1 MB，未保存"
    r = client.post(
        f"/api/v1/cases/{case.id}/evidence",
        headers=headers,
        content_type="multipart/form-data",
        data={"kind": "invoice", "file": (io.BytesIO(b"invoice 001"), "inv.txt")},
    )
    assert r.status_code == 201, r.json
    bogus = {"Authorization": "Bearer not-a-token"}
    r = _declared(client, f"/api/v1/cases/{case.id}/evidence", 100 * 1024, headers=bogus)
    assert r.status_code == 413 and r.json["error"]["message"] == "请求内容超过上限 64 KB，未处理"
    r = client.post(f"/api/v1/cases/{case.id}/receivables", headers=headers, json={"x": "y" * MB})
    assert r.status_code == 413 and r.json["error"]["message"] == "请求内容超过上限 1 MB，未处理"


# ---- a served app (gunicorn): chunked bodies as a real server hands them over ----------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(database_url, tmp_path):
    port = _free_port()
    instance = tmp_path / "served"
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": database_url,
        "LEGALCASE_INSTANCE_PATH": str(instance),
        "LEGALCASE_SECRET_KEY": "s" * 40,
        "LEGALCASE_EVIDENCE_MAX_MB": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}"]
        + ["legalcase:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield port, instance / "tmp"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _multipart_head() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()


def _send(port: int, path: str, headers: dict, chunked: bool, limit: int = 64 * MB):
    """POST a multipart body of up to ``limit`` bytes (generated, never held whole), stopping
    as soon as the server answers; returns the status and the body of the answer."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = {"Host": "localhost", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    head |= {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(2**30)}
    lines = [f"POST {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in (head | headers).items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    piece = b"x" * (64 * 1024)
    sent = 0
    try:
        data = _multipart_head()
        while sent < limit and not select.select([sock], [], [], 0)[0]:
            sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            sent += len(data)
            data = piece
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed
    response = HTTPResponse(sock)
    response.begin()
    body = response.read()
    sock.close()
    assert sent < limit  # cut off by the server, not by the end of what was sent
    return response.status, body.decode()


@pytest.mark.parametrize("chunked", [True, False])
def test_served_login_without_a_session_gets_413_and_spools_nothing(served, chunked):
    port, tmp = served
    status, body = _send(port, "/login", {}, chunked)
    assert status == 413 and "请求内容超过上限 64 KB" in body
    assert _no_temp_files(tmp)


def test_served_chunked_upload_is_cut_off_at_the_limit_without_a_temp_file(served, session):
    port, tmp = served
    admin = F.user(session)
    case = F.case(session, admin)
    token = issue_token(session, admin)
    session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    status, body = _send(port, f"/api/v1/cases/{case.id}/evidence", auth, chunked=True)
    assert status == 413
    assert json.loads(body)["error"] == {
        "code": "too_large",
        "message": "文件超过上限 1 MB，未保存",
        "fields": {},
    }
    assert _no_temp_files(tmp)
