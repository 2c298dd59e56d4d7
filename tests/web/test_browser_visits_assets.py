"""Issue 17 points 4-6 in headless Chromium at desk (1366 px) and phone (390 px) size: the
visit pack (page and PDF with the amounts and addresses), the visit recorded with a photo and
the signed commitment; the asset register (a freeze and its renewal deadline, an enforcement
receipt lowering the amount owed); the filing package downloaded (1366 px)."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from legalcase.models import Creditor
from legalcase.services import evidence, parties, receivables
from legalcase.services.clock import today
from storage import LocalStorage
from tests import factories as F
from tests.conftest import SHARED
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

pytestmark = pytest.mark.browser
PDFS = SHARED / "fixtures" / "pdf"


def _setup(session, tmp_path):
    boss = F.user(session, "admin", username="mgr", name="李经理")
    cred = Creditor(
        name="华东精密机械制造有限公司", uscc=F.uscc(1), address="上海市闵行区申富路 88 号"
    )
    session.add(cred)
    session.commit()
    c = F.case(session, boss, cred=cred, title="恒达货款纠纷")
    c.court = "上海市闵行区人民法院"
    session.commit()
    day = today()
    contract = receivables.add_contract(
        session,
        boss,
        c,
        {
            "number": "HT-2025-7",
            "kind": "sale",
            "signed_date": day - timedelta(days=500),
            "amount": Decimal("200000"),
        },
    )
    F.receivable(
        session,
        boss,
        c,
        "FP-1",
        "120000.00",
        day - timedelta(days=400),
        day - timedelta(days=300),
        contract_id=contract.id,
    )
    parties.add_contact(
        session,
        boss,
        c.debtor,
        {
            "name": "王丽",
            "relation": "relative",
            "phone": "13900002222",
            "address": "无锡市梁溪区中山路 9 号",
        },
    )
    store = LocalStorage(tmp_path / "live" / "files")  # the live app's storage
    for kind, name in {
        "contract": "minimal-document.pdf",
        "delivery": "002-trivial-libre-office-writer.pdf",  # evidence is one file once
        "invoice": "google-doc-document.pdf",
        "identity": "crazyones-pdfa.pdf",
    }.items():
        evidence.add_evidence(
            session,
            store,
            boss,
            c,
            io.BytesIO((PDFS / name).read_bytes()),
            f"{kind}.pdf",
            {"kind": kind, "title": f"{kind}材料"},
            tmp_dir=tmp_path / "tmp",
            max_bytes=2**22,
        )
    session.commit()
    return c


def _fits(tab) -> None:
    assert tab.evaluate(SIDEWAYS) == []


@pytest.mark.parametrize("width", [1366, 390])
def test_visit_pack_register_and_package(live_url, page, session, tmp_path, width, monkeypatch):  # noqa: F811
    # the package is a background job: run in the request that submits it (no worker here)
    monkeypatch.setenv("LEGALCASE_JOBS_EAGER", "1")
    c = _setup(session, tmp_path)
    day = today()
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, live_url, "mgr")
    narrow = width == 390

    # ---- the asset register: a bank account frozen, then money received in enforcement
    page.goto(f"{live_url}/cases/{c.id}")
    if narrow:
        page.goto(f"{live_url}/cases/{c.id}/assets")
    else:
        page.click("text=财产登记")
    expect(page.locator("h1")).to_contain_text("财产登记")
    _fits(page)
    page.click("#new-asset")
    page.select_option("#f-kind", "bank_account")
    page.fill("#f-description", "中国工商银行苏州园区支行基本存款账户")
    page.fill("#f-identifier", "1102020309001234567")
    page.fill("#f-source", "财产调查")
    page.click("button[type=submit]")
    row = page.locator(".assets tbody tr").first
    expect(row).to_contain_text("中国工商银行苏州园区支行基本存款账户")
    expect(row).to_contain_text("未保全")
    row.locator("text=登记保全").click()
    expiry = day + timedelta(days=60)
    page.fill("#f-court_name", "上海市闵行区人民法院")
    page.fill("#f-document_number", "（2026）沪0112财保12号")
    page.fill("#f-event_date", str(day - timedelta(days=10)))
    page.fill("#f-expires_date", str(expiry))
    page.fill("#f-frozen_amount", "120000")
    page.click("button[type=submit]")
    freeze = page.locator(".assets tbody tr .freeze").first
    expect(freeze).to_contain_text("（2026）沪0112财保12号")
    expect(freeze).to_contain_text("120,000.00")
    expect(freeze).to_contain_text(f"保全期限届满：{expiry}")
    expect(freeze).to_contain_text("申请续行保全截止")
    _fits(page)
    page.click("#new-outcome")
    page.select_option("#f-kind", "received")
    page.fill("#f-outcome_date", str(day))
    page.fill("#f-amount", "30000")
    page.click("button[type=submit]")
    expect(page.locator(".outcomes")).to_contain_text("执行到款")
    expect(page.locator(".outcomes")).to_contain_text("30,000.00")
    page.goto(f"{live_url}/cases/{c.id}?tab=money")
    expect(page.locator("body")).to_contain_text("90,000.00")  # 120,000 less the 30,000 received

    # ---- a field visit: the pack (page and PDF), then the visit recorded
    page.goto(f"{live_url}/cases/{c.id}/visits")
    _fits(page)
    page.click("#new-visit")
    page.fill("#f-purpose", "请债务人签署还款承诺书")
    page.click("button[type=submit]")
    expect(page.locator("#pack-addresses")).to_contain_text("无锡市梁溪区中山路 9 号")
    expect(page.locator("#pack-figures")).to_contain_text("90,000.00")
    expect(page.locator("#pack-team")).to_contain_text("主谈")
    expect(page.locator("#pack-bring")).to_contain_text("还款承诺书")
    _fits(page)
    pdf = page.request.get(live_url + page.locator("#pack-pdf").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "90,000.00",
        "120,000.00",
        "30,000.00",
        "无锡市梁溪区中山路 9 号",
        "苏州市工业园区星湖街 328 号",
        "还款承诺书",
    ):
        assert expected in text, expected
    page.click("#record-visit")
    page.fill("#f-met_person", "王强")
    page.fill("#f-met_role", "法定代表人")
    page.fill("#f-summary", "当面催收，债务人承认欠款")
    page.click("button[type=submit]")
    expect(page.locator("#visit-record")).to_contain_text("王强（法定代表人）")
    photo = tmp_path / "IMG_0001.png"
    Image.new("RGB", (40, 30), (10, 120, 200)).save(photo)
    page.set_input_files("#photo-file", str(photo))
    page.fill("#photo-place", "厂房门口")
    page.click("#photo-form button[type=submit]")
    expect(page.locator("#photos")).to_contain_text("厂房门口")
    page.set_input_files("#commitment-file", str(PDFS / "annotated_pdf.pdf"))
    page.click("#commitment-form button[type=submit]")
    expect(page.locator("#commitment-state")).to_contain_text("已上传签署的还款承诺书")
    _fits(page)
    page.goto(f"{live_url}/cases/{c.id}?tab=ledger")
    expect(page.locator("#ledger")).to_contain_text("债务人同意履行")

    # ---- the filing package (LibreOffice converts the complaint: once, at desk size)
    page.goto(f"{live_url}/packages")
    _fits(page)
    if narrow:
        return
    page.goto(f"{live_url}/cases/{c.id}")
    page.click(".nav-tabs >> text=立案材料包")  # from the case: the case is already chosen
    expect(page.locator(f"#pc-{c.id}")).to_be_checked()
    page.click("#package-form button[type=submit]")
    expect(page.locator(".alert-success, .alert-info").first).to_contain_text("已提交后台任务")
    link = page.locator("#packages a").first
    expect(link).to_contain_text("立案材料包_上海市闵行区人民法院_")
    with page.expect_download() as info:
        link.click()
    archive = zipfile.ZipFile(info.value.path())
    names = archive.namelist()
    folder = f"01_苏州恒达机电设备有限公司_案件{c.id}"
    for name in (
        "01_起诉状_苏州恒达机电设备有限公司.docx",
        "01_起诉状_苏州恒达机电设备有限公司.pdf",
        "02_证据目录_苏州恒达机电设备有限公司.pdf",
        "03_证据材料_苏州恒达机电设备有限公司.pdf",
        "04_身份证明_1_identity材料.pdf",
        "05_授权委托书_苏州恒达机电设备有限公司.pdf",
        "06_送达地址确认书_苏州恒达机电设备有限公司.pdf",
    ):
        assert f"{folder}/{name}" in names, names
