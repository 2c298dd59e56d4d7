"""Timestamps on the screen and over the API (issue 16 point 1): the evidence page shows
each item's timestamp (Beijing time, authority, status); the API hands out the DER
TimeStampResp and the authority's certificates, enough for ``openssl ts -verify``."""

from __future__ import annotations

import io
import socket
import subprocess

from sqlalchemy import select

from legalcase.models.timestamps import Timestamp
from legalcase.services import timestamps as ts
from legalcase.services.auth import issue_token
from legalcase.services.clock import SHANGHAI
from tests import factories as F


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302, r.data.decode()


def upload(client, headers, case_id, data: bytes, name: str):
    r = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        headers=headers,
        content_type="multipart/form-data",
        data={"kind": "invoice", "title": name, "file": (io.BytesIO(data), name)},
    )
    assert r.status_code == 201, r.json
    return r.json


def test_api_token_and_authority_verify_with_openssl(app, session, client, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    token = issue_token(session, admin)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    item = upload(client, headers, case.id, b"invoice 2026-0815", "inv.txt")

    r = client.get("/api/v1/timestamp-authority", headers=headers)
    assert r.status_code == 200
    assert r.json["internal"] is True and r.json["url"] is None
    assert r.json["name"] == "内部时间戳（非第三方）"
    assert r.json["certificates_pem"].count("BEGIN CERTIFICATE") == 2

    r2 = client.get(f"/api/v1/evidence/{item['id']}/timestamp", headers=headers)
    assert r2.status_code == 200
    assert r2.headers["Content-Type"] == "application/timestamp-reply"
    assert r2.headers["X-Content-SHA256"] == item["sha256"]
    (tmp_path / "resp.tsr").write_bytes(r2.data)
    (tmp_path / "ca.pem").write_text(r.json["certificates_pem"])
    done = subprocess.run(
        ["openssl", "ts", "-verify", "-digest", item["sha256"], "-in", str(tmp_path / "resp.tsr")]
        + ["-CAfile", str(tmp_path / "ca.pem")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr

    assert client.get("/api/v1/timestamp-authority").status_code == 401
    r = client.get("/api/v1/evidence/999999/timestamp", headers=headers)
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pending_item_has_no_token_yet_and_the_page_says_so(app, session, client, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    token = issue_token(session, admin)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(ts.authority().certificates_pem)
    down = f"http://127.0.0.1:{_closed_port()}/"
    ts.configure({**app.config, "TSA_URL": down, "TSA_CA_FILE": str(ca_file)})
    item = upload(client, headers, case.id, b"bank slip", "slip.txt")
    r = client.get(f"/api/v1/evidence/{item['id']}/timestamp", headers=headers)
    assert r.status_code == 404 and r.json["error"]["code"] == "no_timestamp"
    assert "待补时间戳" in r.json["error"]["message"]
    login(client, admin)
    page = client.get(f"/cases/{case.id}/evidence").data.decode()
    assert 'data-ts-status="pending"' in page and "待补时间戳" in page


def test_evidence_page_shows_time_authority_and_status(app, session, client):
    admin = F.user(session)
    case = F.case(session, admin)
    token = issue_token(session, admin)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    item = upload(client, headers, case.id, b"delivery receipt", "receipt.txt")
    row = session.scalars(select(Timestamp).where(Timestamp.object_id == item["id"])).one()
    login(client, admin)
    page = client.get(f"/cases/{case.id}/evidence").data.decode()
    shown = row.gen_time.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
    assert f"时间戳：{shown}（北京时间）" in page
    assert "内部时间戳（非第三方）" in page and "已加时间戳，验证通过" in page
    assert item["sha256"][:12] in page
    # a token that no longer matches the registered hash shows as invalid on the page
    second = upload(client, headers, case.id, b"second receipt", "receipt2.txt")
    rows = {
        r.object_id: r
        for r in session.scalars(select(Timestamp).where(Timestamp.object_kind == "evidence"))
    }
    rows[item["id"]].token = rows[second["id"]].token
    session.commit()
    page = client.get(f"/cases/{case.id}/evidence").data.decode()
    assert 'data-ts-status="failed"' in page and "时间戳无效" in page
    assert "与登记的哈希值不符" in page
