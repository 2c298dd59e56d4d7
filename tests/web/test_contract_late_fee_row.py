"""The case page's contracts table: a contract with no late fee agreed says just 未约定, not
a rate left over from the form's default."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from legalcase.services import receivables
from tests import factories as F
from tests.integration.test_missed_deadlines import login


def test_no_late_fee_reads_just_not_agreed(client, session):
    boss = F.user(session, "admin")
    c = F.case(session, boss)
    receivables.add_contract(
        session,
        boss,
        c,
        {
            "number": "HT-NONE",
            "kind": "sale",
            "signed_date": date(2025, 1, 10),
            "amount": Decimal("1000"),
            "late_fee_type": "none",
            "late_fee_rate": Decimal("0.05"),
        },
    )
    session.commit()
    login(client, boss)
    page = client.get(f"/cases/{c.id}").get_data(as_text=True)
    row = next(r for r in page.split("<tr") if "HT-NONE" in r)
    assert "未约定" in row and "0.05%" not in row
