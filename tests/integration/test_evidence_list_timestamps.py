"""The evidence list inside the complaint (证据清单) prints each item's SHA-256 and its RFC 3161
timestamp (issue 16 point 1): Beijing time and the authority (内部时间戳（非第三方） for the
internal one), 待补时间戳 while the authority was down; in the PDF a clerk reads, the hash
stays whole on a small line under its row and the table keeps its three columns."""

from __future__ import annotations

import io
import re
import socket
import subprocess
from datetime import date

import pytest
from docx import Document

from legalcase.services import documents, evidence
from legalcase.services import timestamps as ts
from legalcase.services.clock import SHANGHAI
from legalcase.tsa import INTERNAL_LABEL
from tests import factories as F

AS_OF = date(2026, 11, 24)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def complaint(app, session, tmp_path):
    """A complaint over a case with two items: one stamped, one stored while the authority
    was down (pending)."""
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = app.extensions["legalcase_storage"]
    legal = F.user(session, "legal", name="陈律师")
    case = F.case(session, legal, title="恒达货款纠纷")
    case.forum_name = "上海市闵行区人民法院"
    session.commit()

    def add(data: bytes, kind: str, title: str):
        item = evidence.add_evidence(
            session,
            store,
            legal,
            case,
            io.BytesIO(data),
            f"{kind}.txt",
            {"kind": kind, "title": title, "purpose": f"证明{title}"},
            tmp_dir=tmp_path / "tmp",
            max_bytes=2**20,
        )
        session.commit()
        return item

    stamped = add(b"contract HD-2025-0042", "contract", "买卖合同")
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(ts.authority().certificates_pem)
    down = f"http://127.0.0.1:{_closed_port()}/tsa"
    ts.configure({**app.config, "TSA_URL": down, "TSA_CA_FILE": str(ca_file)})
    pending = add(b"delivery note 7", "delivery", "送货单")
    ts.configure(app.config)  # the internal authority again
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        "complaint",
        as_of=AS_OF,
        config=config,
        override_reason="证据待补充，先行起草",
    )
    session.commit()
    return session, store, doc, config, stamped, pending


def _beijing(session, item) -> str:
    row = ts.timestamps_for(session, "evidence", [item.id])[item.id]
    assert row.status == "ok" and row.is_internal
    return f"{row.gen_time.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}"


def test_the_complaints_evidence_list_holds_each_hash_and_timestamp(complaint):
    session, store, doc, _, stamped, pending = complaint
    with store.open(doc.storage_key) as fh:
        word = Document(io.BytesIO(fh.read()))
    table = next(t for t in word.tables if t.rows[0].cells[1].text == "证据名称")
    rows = [[c.text for c in r.cells] for r in table.rows]
    # each item: its row (序号, 名称, 证明目的), then a line across the table under it
    assert rows[1] == ["1", "买卖合同", "证明买卖合同"]
    assert (
        rows[2][0]
        == rows[2][2]
        == (
            f"SHA-256：{stamped.sha256}\n时间戳：北京时间 {_beijing(session, stamped)} "
            f"{INTERNAL_LABEL}"
        )
    )
    assert rows[3] == ["2", "送货单", "证明送货单"]
    assert rows[4][0] == f"SHA-256：{pending.sha256}\n时间戳：待补时间戳"
    assert len(rows) == 5


def test_the_pdf_a_clerk_reads_keeps_the_hash_whole_and_the_columns(complaint, tmp_path):
    session, store, doc, config, stamped, pending = complaint
    key = documents.pdf_for(session, store, doc, config["UPLOAD_TMP"])
    pdf = tmp_path / "complaint.pdf"
    with store.open(key) as fh:
        pdf.write_bytes(fh.read())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    lines = text.splitlines()
    # the hash on one line, never broken across lines or cells
    hash_line = next(line for line in lines if stamped.sha256 in line)
    assert "SHA-256" in hash_line
    assert any(pending.sha256 in line for line in lines)
    stamp = next(line for line in lines if "北京时间" in line)
    assert f"时间戳：北京时间 {_beijing(session, stamped)} {INTERNAL_LABEL}" in stamp
    assert re.sub(r"\s+", "", text).count(f"{pending.sha256}时间戳：待补时间戳") == 1
    # the row itself keeps its three columns on one line: number, title, purpose
    assert any(re.search(r"^\s*1\s+买卖合同\s+证明买卖合同\s*$", line) for line in lines), text
