"""Issue 18 in headless Chromium at 1366 px and 390 px: the worklist (logging a call moves on
to the next case), the model page after training on a simulated history, the KPI trends on
the dashboard and on 目标与KPI; nothing scrolls sideways on the phone."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from bench.history import load, simulate
from legalcase.services import propensity
from legalcase.services.clock import today
from tests import factories as F
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

pytestmark = pytest.mark.browser
SIZES = [(390, 844), (1366, 900)]


def _fits(tab, width):
    if width == 390:
        assert tab.evaluate(SIDEWAYS) == []


@pytest.mark.parametrize("width,height", SIZES)
def test_worklist_call_moves_to_the_next_case(live_url, page, session, width, height):  # noqa: F811
    boss = F.user(session, "admin")
    me = F.user(session, "collector", username="zhao", name="赵催收")
    day = today()
    for n, amount in enumerate(("20000", "350000.50", "90000")):
        c = F.case(session, boss, owner=me, title=f"苏州某某机电设备有限公司货款纠纷{n}")
        F.receivable(
            session, boss, c, f"BW-{n}", amount, day - timedelta(days=100), day - timedelta(days=50)
        )
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "zhao")
    page.click("#open-worklist")  # the 工作台 button (the nav folds on a phone)
    expect(page.locator("h1")).to_contain_text("今日催收")
    rows = page.locator("#worklist > li")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("货款纠纷1")  # the largest expected recovery
    expect(rows.nth(1)).to_contain_text("货款纠纷2")
    expect(page.locator("#current-case")).to_contain_text("货款纠纷1")
    expect(rows.nth(0).locator(".reasons .badge").first).to_be_visible()
    _fits(page, width)
    page.click("#log-call")
    expect(page.locator("h1")).to_contain_text("记录通话")
    page.fill("#f-summary", "电话联系财务经理，对方承诺下周安排付款")
    page.select_option("#f-outcome", "reached")
    page.click("button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("下一个案件")
    expect(page.locator("#current-case")).to_contain_text("货款纠纷2")
    _fits(page, width)


@pytest.mark.parametrize("width,height", SIZES)
def test_model_page_and_kpi_trends(live_url, page, session, width, height):  # noqa: F811
    boss = F.user(session, "admin", username="boss", name="经理")
    cred = F.creditor(session)
    load(
        session.connection(),
        simulate(random.Random(3), 100, today()),
        [cred.id],
        [boss.id],
        boss.id,
    )
    session.commit()
    propensity.train(session, today())
    session.commit()
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "boss")
    # the dashboard: KPI trends against the targets, early warning
    trends = page.locator("#kpi-trends")
    expect(trends).to_be_visible()
    expect(trends.locator("tbody tr")).to_have_count(6)
    expect(trends).to_contain_text("目标 85%")
    expect(page.locator("#early-warning")).to_be_visible()
    _fits(page, width)
    page.click("text=目标与KPI")
    expect(page.locator("h1")).to_contain_text("目标与KPI")
    expect(page.locator("#kpi-trends tbody tr")).to_have_count(12)
    assert page.locator("#kpi-chart").bounding_box()["height"] > 50  # Chart.js drew it
    _fits(page, width)
    page.click("text=回款倾向模型")
    expect(page.locator("#model-in-use")).to_contain_text("逻辑回归模型")
    expect(page.locator("#calibration tbody tr")).to_have_count(10)
    auc = float(page.locator("#auc").inner_text())
    assert 0.75 < auc <= 1
    _fits(page, width)
    # 设置 → 风险分层: a segment saved from the form
    page.goto(f"{live_url}/settings/segments")
    page.fill("#name-0", "低回款概率")
    page.fill("#max-0", "30")
    page.fill("#days-0", "10,30,60")
    page.check("#ch-0-visit")
    page.select_option("#letter-0", "lawyer_letter")
    page.click("#segments-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("风险分层已保存")
    expect(page.locator("#days-0")).to_have_value("10,30,60")
    expect(page.locator("#ch-0-visit")).to_be_checked()
    _fits(page, width)
