"""Issue 14 point 11: the daily pages at phone size (390 px) and at desk size (1366 px) in
headless Chromium: nothing scrolls sideways on the phone, and the portfolio keeps each case's
name, amount owed, next deadline (red "已过 N 天" when passed) and stage in view."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from legalcase.services import ledger, parties
from legalcase.services.clock import today
from tests import factories as F
from tests.integration.test_missed_deadlines import frozen_case, row
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

SIDEWAYS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth + 1) return [];
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' +
      Math.round(e.getBoundingClientRect().right));
}"""
TABS = ["overview", "money", "ledger", "deadlines", "stage", "audit"]


def _busy_case(session, boss):
    """A case with a passed deadline, a long debtor name, contacts, ledger rows with a legal
    effect, and the tables that come with them."""
    day = today()
    case = frozen_case(session, boss, day, title="无锡鑫源五金制品有限公司买卖合同货款纠纷案件")
    F.receivable(session, boss, case, "FP-20261125-000000000123", "1234567.89")
    parties.add_contact(
        session,
        boss,
        case.debtor,
        {
            "name": "财务部负责人",
            "relation": "finance",
            "email": "finance.department.head@wuxi-xinyuan-hardware.example.cn",
            "phone": "13800138000",
        },
    )
    ledger.record_contact(
        session,
        boss,
        case,
        {
            "contacted_at": datetime.now(UTC) - timedelta(days=3),
            "channel": "letter",
            "summary": "寄送律师函，要求十五日内支付全部货款及逾期付款利息，否则将提起诉讼" * 2,
            "outcome": "reached",
            "legal_effect": "demand",
            "arrival_date": day - timedelta(days=1),
        },
    )
    session.commit()
    return case


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_daily_pages_fit_the_screen(live_url, page, session, tmp_path, width, height):  # noqa: F811
    boss = F.user(session, "admin", username="mgr", name="经理")
    case = _busy_case(session, boss)
    passed = (today() - row(session, case, "freeze_renewal_apply_by").due_date).days
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "mgr")
    # an item of evidence, uploaded as the proof of the demand (issue 14 point 8)
    proof = tmp_path / "EMS-1234567890-signed-receipt-of-the-lawyer-letter.txt"
    proof.write_bytes(b"EMS 1234567890 signed 2026-11-24")
    page.goto(f"{live_url}/cases/{case.id}/evidence")
    page.set_input_files("#f-file", str(proof))
    page.select_option("#f-kind", "delivery_proof")
    page.check("input[name=ledger_entry_ids]")
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#interruptions")).to_contain_text("有证据证明")

    urls = {
        "dashboard": "/",
        "portfolio": "/cases",
        **{f"case-{t}": f"/cases/{case.id}?tab={t}" for t in TABS},
        "evidence": f"/cases/{case.id}/evidence",
        "tasks": "/tasks",
        "deadlines": "/deadlines",
        "search": "/search?q=x",
    }
    wide = {}
    for name, url in urls.items():
        page.goto(live_url + url)
        expect(page.locator("h1").first).to_be_visible()
        page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            over = page.evaluate(SIDEWAYS)
            if over:
                wide[name] = over
    assert wide == {}, "\n".join(f"{k}: {v}" for k, v in wide.items())

    page.goto(live_url + "/cases")
    expect(page.locator("#select-all")).to_be_visible()  # bulk assignment works on a phone too
    first = page.locator("#portfolio [data-case]").filter(has_text="无锡鑫源").first
    for cell in (".case-title", ".case-owed", ".case-deadline", ".case-stage"):
        expect(first.locator(cell).first).to_be_visible()
        box = first.locator(cell).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, cell
    expect(first.locator(".case-owed").first).to_contain_text("1,239,567.89")
    late = first.locator(".deadline-passed").first
    expect(late).to_be_visible()
    expect(late).to_have_text(f"已过 {passed} 天")
    color = late.evaluate("e => getComputedStyle(e).color")
    r, g, b = (int(x) for x in color.removeprefix("rgb(").rstrip(")").split(",")[:3])
    assert r > 150 and g < 100 and b < 100, color


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_evidence_cards(live_url, page, session, tmp_path, width, height):  # noqa: F811
    """The evidence items (timestamp, hash, 册序) fit a phone as stacked cards with readable
    lines, and keep their columns at desk size; the full hash stays in the title."""
    boss = F.user(session, "admin", username="mgr", name="经理")
    case = _busy_case(session, boss)
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "mgr")
    page.goto(f"{live_url}/cases/{case.id}/evidence")
    for n in range(2):
        f = tmp_path / f"EMS-{n}-signed-receipt-of-the-lawyer-letter-with-a-long-name.txt"
        f.write_bytes(f"EMS 123456789{n} signed 2026-11-24".encode())
        page.set_input_files("#f-file", str(f))
        page.select_option("#f-kind", "delivery_proof")
        page.fill("#f-purpose", "证明律师函已于2026年11月24日送达被告住所地并由其财务部负责人签收")
        page.click("#upload-form button[type=submit]")
        expect(page.locator("#evidence-items tbody tr")).to_have_count(n + 1)
    shot = os.environ.get("LEGALCASE_SHOTS", str(tmp_path))
    page.screenshot(path=f"{shot}/evidence-{width}.png", full_page=True)
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
    row = page.locator("#evidence-items tbody tr").first
    main = row.locator("td.evidence-main").bounding_box()
    assert main and main["width"] > min(width * 0.6, 300), main  # not one character per line
    assert row.bounding_box()["height"] < 600
    code = row.locator("code.sha256")
    expect(code).to_be_visible()
    full = code.get_attribute("data-sha256")
    assert len(full) == 64 and code.inner_text() == full[:12] + "…"
    assert full in code.get_attribute("title")
    expect(row.locator(".item-no")).to_have_text("第2项")
    expect(row.get_by_label("册序", exact=False).first).to_be_visible()
    if width == 390:  # a refused bundle names the field and reloading does not resubmit it
        page.click("#bundle-form button[type=submit]")
        expect(page.locator("#evidence-error")).to_contain_text("编入证据册的证据（册序）：请至少")
        assert page.url == f"{live_url}/cases/{case.id}/evidence"
        page.reload()
        expect(page.locator("#evidence-items")).to_be_visible()
        expect(page.locator("#evidence-error")).to_have_count(0)
