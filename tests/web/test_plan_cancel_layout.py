"""The plan page's cancel form in headless Chromium at phone (390 px) and desk (1366 px)
size: it fits without sideways scroll, a plan is cancelled through it and the page then says
已取消 with the reason; the mediation page and the case page fit as well."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from legalcase.services import mediation, plans
from legalcase.services.clock import today
from tests import factories as F
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_plan_cancel_form_fits_and_cancels(live_url, page, session, width, height):  # noqa: F811
    boss = F.user(session, "admin", username="mgr", name="经理")
    case = F.case(session, boss, title="无锡鑫源五金制品有限公司买卖合同货款纠纷案件")
    due = today() - timedelta(days=300)
    F.receivable(session, boss, case, "FP-20261125-000000000123", "30000.00", due, due)
    plan = plans.create_plan(
        session,
        boss,
        case,
        {
            "agreed_date": today(),
            "instalments": [
                {"due_date": today() + timedelta(days=30 * i), "principal": Decimal("10000")}
                for i in (1, 2, 3)
            ],
        },
    )
    m = mediation.open_mediation(session, boss, case, {"organisation": "无锡市人民调解委员会"})
    mediation.end_mediation(session, boss, m.id, {"outcome": "failed"})
    session.commit()
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "mgr")
    wide = {}
    for name, url in {
        "plans": f"/cases/{case.id}/plans",
        "mediation": f"/cases/{case.id}/mediation",
        "case-ledger": f"/cases/{case.id}?tab=ledger",
    }.items():
        page.goto(live_url + url)
        expect(page.locator("h1").first).to_be_visible()
        if width == 390 and (over := page.evaluate(SIDEWAYS)):
            wide[name] = over
    assert wide == {}, wide
    expect(page.locator(".mediation-ended")).to_contain_text("结束")

    page.goto(f"{live_url}/cases/{case.id}/plans")
    form = page.locator(f"#plan-{plan.id} form.plan-cancel")
    expect(form).to_be_visible()
    form.locator("input[name=reason]").fill("债务人申请重新协商，改为六期")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#plan-{plan.id} .plan-status")).to_have_text("已取消")
    expect(page.locator(f"#plan-{plan.id} .plan-cancelled")).to_contain_text("债务人申请重新协商")
    expect(page.locator(f"#plan-{plan.id} form.plan-cancel")).to_have_count(0)
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
