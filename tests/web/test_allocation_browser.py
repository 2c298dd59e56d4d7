"""Allocation in headless Chromium: bulk assignment from the portfolio and the rules screen,
at 1366 px and at 390 px (no page scrolls sideways, no CSP violation)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from legalcase.models import Case
from tests import factories as F
from tests.web.test_browser import _login, _watch_csp, live_url, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [1366, 390])
def test_bulk_assignment_and_rules_screen_in_the_browser(live_url, page, session, width):  # noqa: F811
    admin = F.user(session, "admin", username="root", name="管理员")
    li = F.user(session, "collector", username="lina", name="李娜")
    cred = F.creditor(session, "华东精密机械制造有限公司（上海）长名称子公司")
    cases = [F.case(session, admin, cred=cred, title=f"浏览器分案{i}") for i in range(3)]
    violations = _watch_csp(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_url, admin.username)
    page.set_viewport_size({"width": width, "height": 844})

    page.goto(f"{live_url}/cases")
    page.check("#select-all")  # every row of the page, then one taken off again
    expect(page.locator("input[name=case_ids]:checked")).to_have_count(3)
    page.uncheck(f"input[name=case_ids][value='{cases[2].id}']")
    page.select_option("#assignee", str(li.id))
    page.click("#bulk-assign button")
    expect(page.locator(".alert")).to_contain_text("已将 2 件案件分配给李娜")
    assert page.evaluate(NO_SIDEWAYS)
    session.rollback()
    owners = session.scalars(select(Case.owner_id).order_by(Case.id)).all()
    assert owners == [li.id, li.id, admin.id]

    page.goto(f"{live_url}/settings/allocation")
    expect(page.locator("h1")).to_contain_text("分案规则")
    expect(page.locator("#allocation-log")).to_contain_text("浏览器分案0")
    assert page.evaluate(NO_SIDEWAYS)
    page.click("text=新建规则")
    page.fill("#f-name", "上海片区")
    page.fill("#f-regions", "上海市")
    page.select_option("#f-member_ids", [str(li.id)])
    page.click("button:has-text('保存')")
    expect(page.locator("#rules")).to_contain_text("地区：上海")
    assert page.evaluate(NO_SIDEWAYS)
    page.goto(f"{live_url}/")
    expect(page.locator("#workload")).to_contain_text("李娜")
    assert page.evaluate(NO_SIDEWAYS)
    assert violations == []
