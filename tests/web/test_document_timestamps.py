"""The documents page (文书) shows each generated document's RFC 3161 timestamp (Beijing time,
authority, status) and hands its .tsr (DER TimeStampResp) to staff who may see the case,
enough for ``openssl ts -verify``; 待补时间戳 while the authority was down (issue 16 point 1)."""

from __future__ import annotations

import socket
import subprocess
from datetime import date

import pytest
from playwright.sync_api import expect

from legalcase.services import documents
from legalcase.services import timestamps as ts
from legalcase.services.clock import SHANGHAI
from legalcase.services.scope import set_creditor_scope
from legalcase.tsa import INTERNAL_LABEL
from tests import factories as F
from tests.web.security import login, served_app
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

AS_OF = date(2026, 11, 24)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def generated(app, session, tmp_path):
    legal = F.user(session, "legal", name="陈律师")
    case = F.case(session, legal, title="恒达货款纠纷")
    F.receivable(session, legal, case, "FP-001", "12000")
    session.commit()
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = app.extensions["legalcase_storage"]

    def generate(doc_type: str = "statement"):
        doc = documents.generate(
            session,
            store,
            legal,
            case,
            doc_type,
            as_of=AS_OF,
            config=config,
            override_reason="测试",
        )
        session.commit()
        return doc

    return legal, case, generate


def test_the_page_shows_the_timestamp_and_the_tsr_verifies(
    app, session, client, generated, tmp_path
):
    legal, case, generate = generated
    doc = generate()
    row = ts.timestamps_for(session, "document", [doc.id])[doc.id]
    login(client, legal)
    html = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    beijing = f"{row.gen_time.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}（北京时间）"
    assert beijing in html and INTERNAL_LABEL in html
    assert 'data-ts-status="ok"' in html and "验证通过" in html
    assert f"/documents/{doc.id}/timestamp.tsr" in html

    r = client.get(f"/documents/{doc.id}/timestamp.tsr")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/timestamp-reply"
    assert ".tsr" in r.headers["Content-Disposition"]
    (tmp_path / "doc.tsr").write_bytes(r.data)
    (tmp_path / "ca.pem").write_text(ts.authority().certificates_pem)
    done = subprocess.run(
        ["openssl", "ts", "-verify", "-digest", doc.sha256, "-in", str(tmp_path / "doc.tsr")]
        + ["-CAfile", str(tmp_path / "ca.pem")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr
    # the token is over this document's hash, not any other
    other = subprocess.run(
        ["openssl", "ts", "-verify", "-digest", "0" * 64, "-in", str(tmp_path / "doc.tsr")]
        + ["-CAfile", str(tmp_path / "ca.pem")],
        capture_output=True,
        text=True,
    )
    assert other.returncode != 0


def test_a_pending_document_says_so_and_has_no_tsr_yet(app, session, client, generated, tmp_path):
    legal, case, generate = generated
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(ts.authority().certificates_pem)
    down = f"http://127.0.0.1:{_closed_port()}/tsa"
    ts.configure({**app.config, "TSA_URL": down, "TSA_CA_FILE": str(ca_file)})
    doc = generate()
    login(client, legal)
    html = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert 'data-ts-status="pending"' in html and "待补时间戳" in html
    assert f"/documents/{doc.id}/timestamp.tsr" not in html
    r = client.get(f"/documents/{doc.id}/timestamp.tsr")
    assert r.status_code == 404 and "待补时间戳" in r.get_data(as_text=True)


def test_the_tsr_is_scoped_like_the_document(app, session, database_url, generated, tmp_path):
    legal, case, generate = generated
    doc = generate()
    boss = F.user(session, "admin")
    other = F.case(session, boss, title="他方案件")
    limited = F.user(session, "admin")
    set_creditor_scope(session, limited, [other.creditor_id], actor=boss)
    session.commit()
    served = served_app(database_url, tmp_path / "instance")  # the same internal authority
    client = served.test_client()
    login(client, limited)
    assert client.get(f"/documents/{doc.id}/timestamp.tsr").status_code == 404
    assert client.get(f"/documents/{doc.id}/docx").status_code == 404
    client = served.test_client()
    login(client, boss)
    assert client.get(f"/documents/{doc.id}/timestamp.tsr").status_code == 200
    assert client.get("/documents/999999/timestamp.tsr").status_code == 404
    # not signed in: the login page, never the token
    anonymous = served.test_client().get(f"/documents/{doc.id}/timestamp.tsr")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1366])
def test_the_documents_page_fits_a_phone(live_url, page, session, generated, width, tmp_path):  # noqa: F811
    legal, case, generate = generated
    legal.username = "chen"
    session.commit()
    generate("statement")
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(ts.authority().certificates_pem)
    live = {"INSTANCE_PATH": str(tmp_path / "live")}
    down = f"http://127.0.0.1:{_closed_port()}/tsa"
    ts.configure({**live, "TSA_URL": down, "TSA_CA_FILE": str(ca_file)})
    generate("lawyer_letter")  # pending: its long reason must wrap, not widen the page
    ts.configure(live)
    page.set_viewport_size({"width": width, "height": 844})
    _login(page, live_url, "chen")
    page.goto(f"{live_url}/cases/{case.id}/documents")
    page.screenshot(path=str(tmp_path / f"documents-{width}.png"), full_page=True)
    expect(page.locator(".timestamp[data-ts-status=ok]")).to_contain_text(INTERNAL_LABEL)
    expect(page.locator(".timestamp[data-ts-status=pending]")).to_contain_text("待补时间戳")
    link = page.locator("a.ts-download")
    expect(link).to_have_count(1)
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert page.evaluate(SIDEWAYS) == []
