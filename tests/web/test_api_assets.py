"""The asset register over the API (issue 17 point 5): an asset, its freeze with the renewal
deadline in the answer, money received in enforcement lowering the amount owed; errors by
field with nothing written."""

from __future__ import annotations

from datetime import timedelta

from legalcase.services.clock import today
from tests import factories as F
from tests.web.test_api import api  # noqa: F401 - fixture


def test_asset_freeze_and_receipt_over_the_api(api, session):  # noqa: F811
    c = F.case(session, api.admin)
    day = today()
    F.receivable(
        session,
        api.admin,
        c,
        "FP-1",
        "50000.00",
        day - timedelta(days=200),
        day - timedelta(days=100),
    )
    r = api(
        "POST",
        f"/cases/{c.id}/assets",
        {
            "party_id": c.debtor_id,
            "kind": "real_estate",
            "description": "苏州园区星湖街厂房",
            "source": "不动产登记查询",
            "found_date": str(day),
        },
    )
    assert r.status_code == 201, r.json
    asset = r.json
    assert asset["kind"] == "real_estate" and asset["freezes"] == []
    r = api(
        "POST",
        f"/assets/{asset['id']}/freezes",
        {"court_name": "苏州工业园区人民法院", "event_date": str(day)},
    )
    assert r.status_code == 400 and "document_number" in r.json["error"]["fields"]
    expiry = day + timedelta(days=300)
    r = api(
        "POST",
        f"/assets/{asset['id']}/freezes",
        {
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591财保1号",
            "event_date": str(day),
            "expires_date": str(expiry),
            "frozen_amount": "50000.00",
        },
    )
    assert r.status_code == 201, r.json
    kinds = {d["kind"]: d["due_date"] for d in r.json["deadlines"]}
    assert kinds["freeze_expiry"] == str(expiry) and "freeze_renewal_apply_by" in kinds
    r = api(
        "POST",
        f"/cases/{c.id}/enforcement-outcomes",
        {
            "party_id": c.debtor_id,
            "kind": "received",
            "outcome_date": str(day),
            "amount": "20000.00",
        },
    )
    assert r.status_code == 201 and r.json["payment_id"]
    r = api("GET", f"/cases/{c.id}")
    assert r.json["outstanding_amount"] == "30000.00"
    r = api("GET", f"/cases/{c.id}/assets")
    (debtor,) = r.json["items"]
    assert debtor["role"] == "债务人" and debtor["outcomes"][0]["amount"] == "20000.00"
    assert debtor["assets"][0]["freezes"][0]["frozen_amount"] == "50000.00"
