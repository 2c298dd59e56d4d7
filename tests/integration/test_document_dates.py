"""Dates on court papers are Beijing dates (services.clock.today): at 17:30 UTC it is already
01:30 the next day in Beijing, and the evidence list and the filing package say so. A filing
package refuses a judged case with its reason and says when identity papers are missing."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from legalcase.models import Creditor
from legalcase.services import clock, evidence
from legalcase.services import filing_packages as svc
from storage import LocalStorage
from tests import factories as F
from tests.integration.test_filing_packages import PDFS, _case

LATE_EVENING_UTC = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 2026-11-26 01:30 in Beijing


@pytest.fixture
def beijing_after_midnight(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: LATE_EVENING_UTC)
    assert clock.today() == date(2026, 11, 26)


def _text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_the_evidence_list_is_dated_in_beijing(beijing_after_midnight, session, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    store = LocalStorage(tmp_path / "objects")
    item = evidence.add_evidence(
        session,
        store,
        admin,
        case,
        io.BytesIO((PDFS / "minimal-document.pdf").read_bytes()),
        "contract.pdf",
        {"kind": "contract", "title": "买卖合同", "purpose": "证明合同关系"},
        tmp_dir=tmp_path / "tmp",
        max_bytes=2**22,
    )
    session.commit()
    bundle = evidence.build_case_bundle(
        session, store, admin, case, [item.id], tmp_dir=tmp_path / "b"
    )
    session.commit()
    with store.open(bundle.storage_key) as fh:
        first = _text(fh.read())
    assert "日期：2026-11-26" in first and "2026-11-25" not in first


def test_the_package_is_dated_in_beijing_refuses_a_judged_case_and_names_missing_identity(
    beijing_after_midnight, app, session, tmp_path
):
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = LocalStorage(tmp_path / "objects")
    legal = F.user(session, "legal", name="陈律师")
    cred = Creditor(name="华东精密机械制造有限公司", uscc=F.uscc(7), address="上海市闵行区")
    session.add(cred)
    session.commit()
    court = "上海市闵行区人民法院"
    good = _case(session, legal, store, tmp_path, cred, court, "恒达", with_evidence=False)
    for kind, name in (
        ("contract", "pdflatex-4-pages.pdf"),
        ("delivery", "minimal-document.pdf"),
        ("invoice", "google-doc-document.pdf"),
        ("statement", "002-trivial-libre-office-writer.pdf"),
    ):
        evidence.add_evidence(
            session,
            store,
            legal,
            good,
            io.BytesIO((PDFS / name).read_bytes()),
            f"{kind}.pdf",
            {"kind": kind, "title": f"{kind}材料", "purpose": f"证明{kind}"},
            tmp_dir=tmp_path / "tmp",
            max_bytes=2**22,
        )
    judged = _case(session, legal, store, tmp_path, cred, court, "已判", with_evidence=False)
    judged.stage = "judgment"
    session.commit()
    (package,) = svc.start_packages(session, legal, [good.id, judged.id], clock.today())
    session.commit()
    svc.run_now(session, store, legal, package, config)
    session.commit()
    assert package.filename == "立案材料包_上海市闵行区人民法院_20261126.zip"
    with store.open(package.storage_key) as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    folder = f"01_恒达有限公司_案件{good.id}"
    listing = _text(archive.read(f"{folder}/02_证据目录_恒达有限公司.pdf"))
    assert "日期：2026-11-26" in listing
    notes = archive.read("材料清单.txt").decode()
    assert "日期：2026-11-26" in notes
    assert "04_身份证明：缺，未上传身份证明类证据" in notes
    refused = next(line for line in notes.splitlines() if "已判" in line)
    assert "未编入" in refused and "判决/裁决" in refused and "强制执行" in refused
    assert not any("已判" in n for n in archive.namelist())
