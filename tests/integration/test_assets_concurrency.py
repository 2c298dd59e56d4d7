"""Enforcement receipts posted at once to one case through the served app (gunicorn, 3
workers): every accepted receipt is a payment, the amount owed falls by all of them, none
past what is owed (the case is locked for each)."""

from __future__ import annotations

from decimal import Decimal

from bench.concurrency import open_case, post_all, today
from tests.integration.test_concurrency import _failures, server  # noqa: F401 - fixture


def test_concurrent_enforcement_receipts_all_lower_the_amount_owed(server):  # noqa: F811
    api, creditor_id = server
    case_id = open_case(api, creditor_id, "100.00")
    debtor_id = api.ok("GET", f"/cases/{case_id}")["debtor_id"]
    receipt = (
        f"/cases/{case_id}/enforcement-outcomes",
        {"party_id": debtor_id, "kind": "received", "outcome_date": today(), "amount": "10.00"},
    )
    results = post_all(api, [receipt] * 12, clients=6)
    accepted = [r for r in results if r.status == 201]
    refused = [r for r in results if r.status != 201]
    assert len(accepted) == 10  # 100.00 owed: the eleventh and twelfth are more than is owed
    assert all(r.status == 400 and "amount" in r.payload["error"]["fields"] for r in refused)
    assert _failures(accepted) == []
    case = api.ok("GET", f"/cases/{case_id}")
    assert Decimal(case["outstanding_amount"]) == Decimal("0.00")
    assert Decimal(case["paid_amount"]) == Decimal("100.00")
    register = api.ok("GET", f"/cases/{case_id}/assets")
    assert len(register["items"][0]["outcomes"]) == 10
