"""A passed freeze renewal in red on the portfolio and the dashboards, in headless Chromium."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from legalcase.services.clock import today
from tests import factories as F
from tests.integration.test_missed_deadlines import frozen_case, row
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def _is_red(locator) -> bool:
    r, g, b = (
        int(x)
        for x in locator.evaluate("e => getComputedStyle(e).color")
        .removeprefix("rgb(")
        .removeprefix("rgba(")
        .rstrip(")")
        .split(",")[:3]
    )
    return r > 150 and g < 100 and b < 100


def test_a_passed_freeze_renewal_is_red_on_the_portfolio_and_dashboards(live_url, page, session):  # noqa: F811
    day = today()
    boss = F.user(session, "admin", username="mgr", name="经理")
    case = frozen_case(session, boss, day, title="冻结续封案")
    F.case(session, boss, title="无期限案件")
    renewal = row(session, case, "freeze_renewal_apply_by")
    passed = (day - renewal.due_date).days
    assert passed >= 8 and row(session, case, "freeze_expiry").due_date == day - timedelta(days=1)

    _login(page, live_url, "mgr")
    mine = page.locator("#my-deadlines tbody tr").first
    expect(mine).to_contain_text("申请续行保全截止")
    expect(mine).to_contain_text(f"已过 {passed} 天")
    assert _is_red(mine.locator("td").first)

    page.click("nav >> text=案件")
    page.select_option("select[name=deadline_within]", "7")
    page.click("button:has-text('筛选')")
    rows = page.locator("#portfolio tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("冻结续封案")
    late = rows.first.locator(".deadline-passed")
    expect(late).to_have_text(f"已过 {passed} 天")
    assert _is_red(late)

    page.click("nav >> text=报表")
    first = page.locator("#upcoming tr").first
    expect(first).to_contain_text(str(renewal.due_date))
    expect(first).to_contain_text(f"已过 {passed} 天")
    assert _is_red(first.locator("td").first)

    page.click("#upcoming >> text=冻结续封案 >> nth=0")
    expect(page.locator("#next-deadline")).to_have_text(str(renewal.due_date))
    expect(page.locator("#next-deadline-left")).to_contain_text(f"已过 {passed} 天")
    assert _is_red(page.locator("#next-deadline"))
