"""The main screens in headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import threading

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from legalcase import create_app
from tests import factories as F

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("LEGALCASE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_url(app, database_url, tmp_path):
    # the `app` fixture emptied the tables; this app has CSRF on, as in production
    live = create_app(
        {
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "live"),
            "SECRET_KEY": "browser-test",
            "JOBS_EAGER": True,  # background jobs run in the request that starts them
        }
    )
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    live.extensions["legalcase_db"]["engine"].dispose()


@pytest.fixture
def page():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN")
        yield context.new_page()
        browser.close()


def _login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", F.PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("工作台")


def test_collector_day_and_viewer_refused(live_url, page, session, tmp_path):
    F.creditor(session, "华东精密机械制造有限公司")
    F.user(session, "legal", username="chen", name="陈律师")
    F.user(session, "viewer", username="wang", name="王经理")
    base = live_url

    _login(page, base, "chen")
    # a debtor
    page.click("text=当事人")
    page.click("text=新增当事人")
    page.select_option("#f-kind", "company")
    page.fill("#f-name", "无锡鑫源五金制品有限公司")
    page.fill("#f-id_code", "913202001234567890")  # wrong check digit first
    page.click("button:has-text('保存')")
    expect(page.locator("[data-field=id_code]")).to_contain_text("校验位")
    page.fill("#f-id_code", F.uscc(4242))
    page.fill("#f-legal_rep", "赵敏")
    page.click("button:has-text('保存')")
    expect(page.locator("h1")).to_contain_text("无锡鑫源五金制品有限公司")
    # a case for it
    page.click("text=以此为债务人立案")
    page.fill("#f-title", "鑫源五金货款纠纷")
    page.click("button:has-text('保存')")
    expect(page.locator("h1")).to_contain_text("鑫源五金货款纠纷")
    # a contract
    page.click("text=新增合同")
    page.fill("#f-number", "HD-2025-0042")
    page.fill("#f-signed_date", "2025-03-01")
    page.fill("#f-amount", "250000")
    page.click("button:has-text('保存')")
    expect(page.locator("#contracts")).to_contain_text("HD-2025-0042")
    # a receivable, first with a mistake
    page.click("text=应收与回款")
    page.click("text=新增应收款")
    page.fill("#f-invoice_no", "FP-2025-0042")
    page.fill("#f-amount", "123456.78")
    page.fill("#f-issue_date", "2025-04-01")
    page.fill("#f-due_date", "2025-03-01")
    page.click("button:has-text('保存')")
    expect(page.locator("[data-field=due_date]")).to_contain_text("到期日不能早于开票日")
    page.fill("#f-due_date", "2025-05-31")
    page.click("button:has-text('保存')")
    expect(page.locator("#receivables")).to_contain_text("¥123,456.78")
    expect(page.locator("#outstanding")).to_have_text("¥123,456.78")
    # log a call with a promise to pay
    page.click("text=催收台账")
    page.click("text=记录催收")
    page.fill("#f-summary", "财务赵敏承诺月底前先付五万元")
    page.select_option("#f-outcome", "promised")
    page.select_option("#f-non_payment_reason", "cash_flow")
    page.fill("#f-promise_amount", "50000")
    from legalcase.services.clock import today

    due = today().replace(day=28) if today().day < 28 else today()
    page.fill("#f-promise_due_date", due.isoformat())
    page.click("button:has-text('保存')")
    expect(page.locator("#ledger")).to_contain_text("财务赵敏承诺月底前先付五万元")
    expect(page.locator("#promises")).to_contain_text("¥50,000.00")
    expect(page.locator("#promises")).to_contain_text("待履行")
    # move to the demand stage
    page.click("text=变更阶段")
    page.select_option("#f-stage", "demand")
    page.fill("#f-reason", "逾期超过 90 天，发送律师函")
    page.click("button:has-text('保存')")
    expect(page.locator("#stage")).to_have_text("函件催告")
    case_url = page.url.split("?")[0]
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    page.click("text=退出")

    # a viewer sees the case but cannot edit it
    _login(page, base, "wang")
    page.goto(case_url)
    expect(page.locator("h1")).to_contain_text("鑫源五金货款纠纷")
    expect(page.locator("text=编辑案件")).to_have_count(0)
    page.goto(case_url + "/edit")
    expect(page.locator(".alert-danger")).to_contain_text("只读用户不能修改任何内容")


def test_portfolio_filter_in_the_browser(live_url, page, session):
    admin = F.user(session, "admin", username="boss", name="管理员")
    from datetime import timedelta

    from legalcase.services.clock import today

    for n, days in enumerate([10, 120]):
        c = F.case(session, admin, title=f"筛选案件{n}")
        due = today() - timedelta(days=days)
        F.receivable(session, admin, c, f"PF-{n}", "1000", due - timedelta(days=10), due)
    _login(page, live_url, "boss")
    page.click("nav >> text=案件")
    expect(page.locator("#portfolio tbody tr")).to_have_count(2)
    page.select_option("select[name=tier]", "90+")
    page.click("button:has-text('筛选')")
    expect(page.locator("#portfolio tbody tr")).to_have_count(1)
    expect(page.locator("#portfolio")).to_contain_text("筛选案件1")


def test_deadline_calculator_in_the_browser(live_url, page, session):
    F.user(session, "legal", username="lawyer", name="律师")
    _login(page, live_url, "lawyer")
    page.click("text=计算器")
    page.click("text=时效计算器")
    page.fill("#as_of", "2026-11-23")
    page.fill("#due_date", "2025-08-31")
    page.select_option("[id='guarantee.type']", "joint")
    page.select_option("[id='events[0].type']", "demand")
    page.fill("[id='events[0].date']", "2025-12-15")
    page.select_option("[id='events[0].party']", "guarantor")
    page.click("button:has-text('计算')")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("保证期间：2026-02-28")
    expect(timeline).to_contain_text("已满足")
    expect(timeline).to_contain_text("保证人诉讼时效：2028-12-15")
    expect(timeline).to_contain_text("民法典第694条")


def test_evidence_upload_checklist_and_bundle_in_the_browser(live_url, page, session, tmp_path):
    from tests.conftest import SHARED
    from tests.web.test_evidence_pages import MAIL

    admin = F.user(session, "legal", username="evi", name="证据员")
    case = F.case(session, admin, title="证据测试案件")
    pdfs = SHARED / "fixtures" / "pdf"
    mail = tmp_path / "催款邮件.eml"
    mail.write_bytes(MAIL)
    _login(page, live_url, "evi")
    page.goto(f"{live_url}/cases/{case.id}")
    page.click("text=证据链")
    reminder = page.locator("#checklist tr[data-step=reminder][data-req=contract]")
    expect(reminder).to_contain_text("缺少")
    page.set_input_files("#f-file", str(pdfs / "pdflatex-4-pages.pdf"))
    page.select_option("#f-kind", "contract")
    page.fill("#f-title", "买卖合同")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#evidence-items")).to_contain_text("4 页")
    expect(reminder).to_contain_text("已有 1 份")
    page.set_input_files("#f-file", str(mail))
    page.select_option("#f-kind", "email")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#evidence-items")).to_contain_text("overdue invoice")
    expect(page.locator("#checklist tr[data-step=complaint][data-req=collection]")).to_contain_text(
        "已有 1 份"
    )
    page.fill("input[aria-label='册序 买卖合同']", "1")
    page.fill("input[aria-label='册序 催款邮件.eml']", "2")
    page.click('#bundle-form button:has-text("生成证据册")')  # the help line says it too
    # the list, the contract's 4 pages, and the e-mail printed on one page
    expect(page.locator("#bundles")).to_contain_text("6 页")
    with page.expect_download() as info:
        page.click("#bundles a")
    path = tmp_path / "bundle.pdf"
    info.value.save_as(path)
    from pypdf import PdfReader

    assert len(PdfReader(path).pages) == 6


def test_dashboard_in_the_browser(live_url, page, session):
    from datetime import timedelta

    from legalcase.services.clock import today

    boss = F.user(session, "admin", username="mgr", name="经理")
    case = F.case(session, boss, title="看板案件")
    F.receivable(
        session,
        boss,
        case,
        "D-1",
        "5000",
        today() - timedelta(days=80),
        today() - timedelta(days=50),
    )
    _login(page, live_url, "mgr")
    page.click("nav >> text=报表")
    expect(page.locator("#overdue-ratio")).to_have_text("100.0%")
    expect(page.locator("#per-owner")).to_contain_text("经理")
    page.wait_for_load_state("load")  # the charts' script is at the end of the page
    assert page.evaluate("typeof Chart") == "function"  # served by the app, no CDN
    assert page.evaluate("Chart.getChart('aging-chart').data.datasets[0].data[2]") == 5000


def test_import_screens_in_the_browser(live_url, page, session, tmp_path):
    from tests.integration.test_import import write_ledger

    F.user(session, "admin", username="imp", name="导入员")
    F.creditor(session, "华东精密机械制造有限公司")
    ledger = tmp_path / "账龄台账.csv"
    write_ledger(ledger, 30, {4: {"到期日": "2025-02-30"}, 9: {"金额": "-1"}})
    _login(page, live_url, "imp")
    page.click("nav >> text=导入")
    page.set_input_files("input[name=file]", str(ledger))
    page.click("#import-upload button")
    expect(page.locator("#import-mapping")).to_contain_text("前 5 行")
    expect(page.locator("select[name='map-invoice_no']")).to_have_value("发票号")
    page.click("text=试运行")
    expect(page.locator("#import-summary")).to_contain_text("新增应收：28 笔")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("到期日无效")
    expect(errors.locator("tbody tr").first).to_contain_text("6")  # line 6 = row 4 + header
    page.click("#import-apply button")  # refused: bad rows and not skipped
    expect(page.locator(".alert-danger")).to_contain_text("有 2 行有误")
    expect(page.locator("#import-errors")).to_contain_text("到期日无效")  # still the dry run
    page.check("input[name=skip_bad]")
    page.click("#import-apply button")  # a background job; its page shows how it went
    expect(page.locator("#job-summary")).to_contain_text("新增应收 28 笔")
    page.click("nav >> text=案件")
    expect(page.locator("#portfolio")).to_contain_text("导入客户")


def _watch_csp(page) -> list[str]:
    """Every Content-Security-Policy violation the page reports (event and console)."""
    seen: list[str] = []
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.on(
        "console",
        lambda msg: (
            seen.append(msg.text)
            if "Content Security Policy" in msg.text or "CSP violation" in msg.text
            else None
        ),
    )
    return seen


def test_no_csp_violations_on_the_main_pages_and_the_batch(live_url, page, session):
    from datetime import timedelta

    from legalcase.services.clock import today

    admin = F.user(session, "admin", username="csp", name="管理员")
    case = F.case(session, admin, title="内容安全策略案件")
    for n in range(3):
        c = case if n == 0 else F.case(session, admin, title=f"批量{n}")
        due = today() - timedelta(days=40)
        F.receivable(session, admin, c, f"CSP-{n}", "1000", due - timedelta(days=30), due)
    violations = _watch_csp(page)
    _login(page, live_url, "csp")
    for path in (
        "/",
        "/cases",
        f"/cases/{case.id}",
        f"/cases/{case.id}/evidence",
        f"/cases/{case.id}/documents",
        "/parties",
        "/imports",
        "/reports",
        "/calculators/deadlines",
        "/calculators/interest",
        "/settings/templates",
        "/settings/account",
        "/settings/security",
        "/settings/alerts",
    ):
        response = page.goto(live_url + path)
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
    page.goto(live_url + "/reports")
    assert page.evaluate("Chart.getChart('aging-chart') !== undefined")
    page.goto(f"{live_url}/cases/{case.id}")
    page.click("text=审计")  # Bootstrap's tabs run from its own script file
    expect(page.locator("#audit")).to_be_visible()
    page.goto(live_url + "/documents/batch")
    page.select_option("select[name=tier]", "31-60")
    page.click("#batch-form button[type=submit]")  # a job: its page shows the outcome
    expect(page.locator("#job-download")).to_contain_text("下载全部")
    expect(page.locator("#job-done")).to_contain_text("已生成 3 封")
    assert page.evaluate("document.getElementById('job-bar').style.width") == "100%"
    assert violations == []
