"""The public statement page in headless Chromium at phone (390 px) and desk (1366 px) size:
nothing scrolls sideways, the amount owed and the form are in view, and a confirmation goes
through with CSRF on (issue 16 point 2); the case page's 异议 section fits the phone too."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from legalcase.models import Confirmation
from legalcase.services import confirmations as svc
from legalcase.services import parties
from tests import factories as F
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_the_statement_page_on_a_phone_and_a_desk(live_url, page, session, width, height):  # noqa: F811
    boss = F.user(session, "admin", username="mgr", name="经理")
    c = F.case(session, boss, title="无锡鑫源五金制品有限公司买卖合同货款纠纷案件")
    F.receivable(session, boss, c, "FP-20261125-000000000123", "1234567.89", due=date(2026, 3, 2))
    F.receivable(session, boss, c, "FP-2", "1000", due=date(2026, 5, 2))
    contact = parties.add_contact(
        session, boss, c.debtor, {"name": "财务部负责人", "relation": "finance", "phone": "1380"}
    )
    session.commit()
    conf, token = svc.create_link(session, boss, c, {"contact_id": contact.id})
    session.commit()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_url}/confirm/{token}")
    expect(page.locator("#amount-owed")).to_have_text("¥1,235,567.89")
    for sel in ("#amount-owed", "#name", "#confirm-form button[type=submit]"):
        box = page.locator(sel).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, sel
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
    assert page.locator("a").count() == 0  # nothing else of the app is reachable from here
    page.check("#decision-confirm")
    page.fill("#name", "张会计")
    page.click("#confirm-form button[type=submit]")
    expect(page.locator("#confirm-done")).to_contain_text("确认无误")
    session.expire_all()
    conf = session.scalar(select(Confirmation).where(Confirmation.id == conf.id))
    assert conf.signer_name == "张会计" and "Chrom" in conf.user_agent
    # the staff side, at the same size: the case's links, a dispute, the case page
    _login(page, live_url, "mgr")
    page.goto(f"{live_url}/cases/{c.id}?tab=money")
    page.click("#confirmation-page")
    expect(page.locator("#confirmation-links")).to_contain_text("确认无误（张会计")
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
    page.goto(f"{live_url}/cases/{c.id}?tab=money")
    page.click("#new-dispute")
    page.select_option("#d-reason", "quality")
    page.fill("#d-description", "部分货物有划痕")
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
    page.click("#dispute-form button[type=submit]")
    expect(page.locator("#dispute-list")).to_contain_text("部分货物有划痕")
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
