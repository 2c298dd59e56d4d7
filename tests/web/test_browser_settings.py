"""In headless Chromium: the court-event form shows only the chosen kind's fields (phone and
desktop), and no settings page scrolls sideways on a phone (issue 14 points 5, 9, 11)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from legalcase.models import CourtEvent
from tests import factories as F
from tests.web.test_browser import _login, live_url, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

COMMON = ["kind", "court_name", "document_number", "note"]
SHOWN = {
    "filing": ["event_date"],
    "judgment": [
        "served_date",
        "performance_due",
        "effective_date",
        "is_foreign_party",
        "awarded_principal",
        "awarded_interest",
        "awarded_costs",
    ],
    "preservation": ["event_date", "is_pre_suit", "asset_kind", "expires_date"],
    "settlement": ["event_date"],
    "enforcement_terminated": ["event_date"],
}
VISIBLE_FIELDS = """form => [...form.querySelectorAll('input, select, textarea')]
    .filter(e => e.type !== 'hidden' && e.offsetParent !== null && !e.disabled)
    .map(e => e.name)"""
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("width", [390, 1366])
def test_court_event_form_shows_only_the_chosen_kinds_fields(live_url, page, session, width):  # noqa: F811
    legal = F.user(session, "legal", username="chen")
    case = F.case(session, legal)
    page.set_viewport_size({"width": width, "height": 900})
    _login(page, live_url, "chen")
    page.goto(f"{live_url}/cases/{case.id}/court-events/new")
    form = page.locator("form:has(#f-kind)")
    for kind, own in SHOWN.items():
        page.select_option("#f-kind", kind)
        shown = form.evaluate(VISIBLE_FIELDS)
        assert sorted(shown) == sorted(COMMON + own), kind
        # one box per field: no stray text areas beside the checkboxes
        assert page.locator("form textarea:visible").count() == 1  # the note
        assert page.evaluate(NO_SIDEWAYS), kind
    # what is hidden is not sent: a preservation saved after a judgment's fields were typed
    page.select_option("#f-kind", "judgment")
    page.fill("#f-served_date", "2025-01-10")
    page.select_option("#f-kind", "preservation")
    page.fill("#f-event_date", "2025-02-01")
    page.select_option("#f-asset_kind", "bank_deposit")
    page.click("button:has-text('保存')")
    expect(page.locator("#court-events")).to_contain_text("财产保全")
    session.rollback()
    event = session.scalars(select(CourtEvent)).one()
    assert event.kind == "preservation" and event.served_date is None


def test_settings_pages_do_not_scroll_sideways_on_a_phone(live_url, page, session):  # noqa: F811
    admin = F.user(session, "admin", username="root", name="管理员")
    other = F.user(session, "collector", username="zhou", name="周催收")
    for name in ("华东精密机械制造有限公司（上海）长名称子公司", "华南精密"):
        F.creditor(session, name)
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live_url, admin.username)
    page.set_viewport_size({"width": 390, "height": 844})
    for path, heading in [
        ("/settings/users", "用户管理"),
        (f"/settings/users/{other.id}", "周催收"),
        ("/settings/firm", "律所信息"),
        ("/settings/ladder", "催收阶梯"),
    ]:
        page.goto(live_url + path)
        expect(page.locator("h1")).to_contain_text(heading)
        assert page.evaluate(NO_SIDEWAYS), path
    # a token issued on the phone is shown once, and the page still fits
    page.goto(f"{live_url}/settings/users/{other.id}")
    page.click("#token-form button")
    expect(page.locator("#new-token")).to_contain_text("lc_")
    assert page.evaluate(NO_SIDEWAYS)
