"""Issue 14 point 6 in headless Chromium, at 390 px and at 1366 px: the contract form adds a
guarantor in a blank row and removes one with its 删除 box; the guarantor's page lists the
contract it guarantees; nothing scrolls sideways on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories as F
from tests.integration.test_guarantees import _two_guarantors
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 900)])
def test_guarantors_on_the_contract_form_and_their_page(live_url, page, session, width, height):  # noqa: F811
    boss = F.user(session, "admin", username="boss", name="经理")
    case, contract, joint, general = _two_guarantors(session, boss)
    third = F.debtor(session, boss, "新增保证人有限公司")
    session.commit()
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "boss")

    page.goto(f"{live_url}/contracts/{contract.id}/edit")
    expect(page.locator("h1")).to_contain_text("编辑合同 HT-G2")
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
    # the third row is blank: choose a new guarantor there; tick 删除 on the general one
    page.select_option("[name='guarantees-2-party_id']", str(third.id))
    page.select_option("[name='guarantees-2-guarantee_type']", "general")
    page.fill("[name='guarantees-2-period_end']", "2027-12-31")
    page.check("[name='guarantees-1-remove']")
    page.click("form button[type=submit]")
    cell = page.locator("#contracts .contract-guarantees").first
    expect(cell).to_contain_text("连带保证有限公司（连带责任保证）")
    expect(cell).to_contain_text("新增保证人有限公司（一般保证，至 2027-12-31）")
    expect(cell).not_to_contain_text("一般保证有限公司（")

    cell.get_by_text("新增保证人有限公司").click()
    expect(page.locator("h1")).to_contain_text("新增保证人有限公司")
    table = page.locator("#guaranteed")
    expect(table).to_contain_text("HT-G2")
    expect(table).to_contain_text(case.title)
    expect(table).to_contain_text("一般保证")
    expect(table).to_contain_text("150,000.00")
    if width == 390:
        assert page.evaluate(SIDEWAYS) == []
    table.get_by_text(case.title).click()
    expect(page.locator("#tab-deadlines")).to_contain_text("保证人新增保证人有限公司（一般保证）")
