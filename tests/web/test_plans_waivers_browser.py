"""Repayment plan and waiver screens in headless Chromium at desk size (1366 px) and phone
size (390 px): a collector records a plan and sees each instalment kept or broken and the
balance accelerated; proposes waivers (principal refused beside the field; within the limit
applied at once; over it pending) and an admin approves; nothing scrolls sideways."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from legalcase.services import receivables
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import today
from tests import factories as F
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

pytestmark = pytest.mark.browser


def _setup(session):
    boss = F.user(session, "admin", username="mgr", name="王经理")
    li = F.user(session, "collector", username="li", name="李催收")
    case = F.case(session, boss, owner=li, title="无锡鑫源五金制品有限公司买卖合同货款纠纷案件")
    due = today() - timedelta(days=500)
    F.receivable(session, boss, case, "FP-20261125-000000000123", "30000.00",
                 due - timedelta(days=30), due)  # fmt: skip
    agreed = today() - timedelta(days=80)
    receivables.record_payment(
        session, boss, case, {"paid_date": agreed + timedelta(days=29), "amount": Decimal("10300")}
    )
    session.commit()
    interest = claim_for_case(session, case, today()).interest_outstanding
    return case, agreed, interest


def _fits(tab, width, wide, name):
    if width == 390:
        over = tab.evaluate(SIDEWAYS)
        if over:
            wide[name] = over


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_plan_and_waiver_screens(live_url, page, session, width, height):  # noqa: F811
    case, agreed, interest = _setup(session)
    wide: dict = {}
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "li")

    # a repayment agreement: three monthly instalments; the first paid, the second missed
    page.goto(f"{live_url}/cases/{case.id}/plans")
    page.click("#new-plan")
    _fits(page, width, wide, "plan-form")
    page.fill("#f-agreed_date", agreed.isoformat())
    page.fill("#f-grace_days", "5")
    lines = "\n".join(
        f"{agreed + timedelta(days=30 * i)} 10000.00 300.00" for i in (1, 2, 3)
    )  # fmt: skip
    page.fill("#f-instalments", lines)
    page.click("button:has-text('保存')")
    plan = page.locator(".plan").first
    expect(plan.locator(".plan-status")).to_have_text("违约，余额加速到期")
    statuses = plan.locator(".instalment-status")
    expect(statuses.nth(0)).to_have_text("按期履行")
    expect(statuses.nth(1)).to_have_text("违约")
    second = agreed + timedelta(days=60)
    expect(plan.locator(".acceleration")).to_contain_text(
        f"已于 {second + timedelta(days=5)} 全部到期"
    )
    _fits(page, width, wide, "plans")
    page.goto(f"{live_url}/cases/{case.id}?tab=ledger")
    expect(page.locator("#plan-status")).to_have_text("违约，余额加速到期")
    expect(page.locator("#case-plan-instalments")).to_contain_text("按期履行")
    _fits(page, width, wide, "case-ledger")

    # waivers: principal refused beside the field, nothing saved
    page.goto(f"{live_url}/cases/{case.id}/waivers")
    page.click("#new-waiver")
    page.select_option("#f-kind", "principal")
    page.fill("#f-amount", "100.00")
    page.fill("#f-reason", "对方一次性付清")
    page.click("button:has-text('保存')")
    expect(page.locator("[data-field=kind]")).to_contain_text("本金不得减免")
    _fits(page, width, wide, "waiver-form")
    # within the collector's 30%: applied at once
    page.select_option("#f-kind", "penalty_interest")
    page.click("button:has-text('保存')")
    rows = page.locator("#waivers tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator(".waiver-status")).to_have_text("已批准（已生效）")
    expect(page.locator("#claim-interest")).to_contain_text(f"{interest - 100:,.2f}")
    # half the interest: over the limit, it waits
    big = (interest * Decimal("0.5")).quantize(Decimal("0.01"))
    page.click("#new-waiver")
    page.select_option("#f-kind", "late_fee")
    page.fill("#f-amount", str(big))
    page.fill("#f-reason", "和解：对方三日内付清本金")
    page.click("button:has-text('保存')")
    expect(rows.first.locator(".waiver-status")).to_have_text("待审批")
    _fits(page, width, wide, "waivers")

    # the admin approves it, with a reason; the claim drops by it
    page.context.clear_cookies()
    _login(page, live_url, "mgr")
    page.goto(f"{live_url}/cases/{case.id}/waivers")
    page.locator("#waivers .decide").first.click()
    page.fill("#f-note", "同意，和解优先")
    page.click("button:has-text('保存')")
    expect(rows.first.locator(".waiver-status")).to_have_text("已批准（已生效）")
    expect(rows.first).to_contain_text("王经理")
    expect(page.locator("#claim-interest")).to_contain_text(f"{interest - 100 - big:,.2f}")
    page.goto(f"{live_url}/settings/waiver-limits")
    expect(page.locator("#f-collector")).to_have_value("30")
    _fits(page, width, wide, "limits")
    assert wide == {}, "\n".join(f"{k}: {v}" for k, v in wide.items())
