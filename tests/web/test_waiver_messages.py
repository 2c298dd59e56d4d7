"""The waiver screens say what happened: in force, waiting for approval, approved or
rejected (reviewer's point 5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from legalcase.models.waivers import Waiver
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import today
from tests import factories as F
from tests.web.test_pages import login


def _flash(client, r) -> str:
    assert r.status_code == 302, r.get_data(as_text=True)
    return client.get(r.headers["Location"]).get_data(as_text=True)


def test_proposal_and_decision_messages_say_the_outcome(app, session):
    admin = F.user(session, "admin")
    collector = F.user(session, "collector")
    case = F.case(session, admin, owner=collector)
    F.receivable(session, admin, case, "FP-9", "100000.00", date(2024, 1, 2), date(2024, 3, 1))
    interest = claim_for_case(session, case, today()).interest_outstanding
    session.commit()
    small = (interest * Decimal("0.1")).quantize(Decimal("0.01"))
    big = (interest * Decimal("0.5")).quantize(Decimal("0.01"))
    client = app.test_client()
    login(client, collector)
    url = f"/cases/{case.id}/waivers/new"
    reason = "快速结案，对方一次性付清本金"
    html = _flash(
        client,
        client.post(url, data={"kind": "penalty_interest", "amount": str(small), "reason": reason}),
    )
    assert f"减免 {small:,.2f} 在您的审批权限内，已生效" in html
    assert "等待审批" not in html
    for _ in range(2):
        html = _flash(
            client,
            client.post(
                url, data={"kind": "penalty_interest", "amount": str(big), "reason": reason}
            ),
        )
        assert f"减免申请 {big:,.2f} 超出您的审批权限，已提交，等待审批" in html
        assert "已生效" not in html.split("alert")[1]
    pending = list(session.scalars(select(Waiver.id).where(Waiver.status == "pending")))
    assert len(pending) == 2
    boss = app.test_client()
    login(boss, admin)
    html = _flash(
        boss,
        boss.post(f"/waivers/{pending[0]}/decide", data={"decision": "approve", "note": "同意"}),
    )
    assert f"减免申请第{pending[0]}号已批准" in html and "审批意见已保存" not in html
    html = _flash(
        boss,
        boss.post(f"/waivers/{pending[1]}/decide", data={"decision": "reject", "note": "不同意"}),
    )
    assert f"减免申请第{pending[1]}号已驳回" in html
