"""The plans and waivers API (GET/POST /api/v1/cases/{id}/plans, /waivers), scoped to the
user's creditors, and the mediation screens through the client (the court event form takes a
confirmed mediation agreement)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from legalcase.models import CaseDeadline
from legalcase.models.plans import PlanInstalment, RepaymentPlan
from legalcase.services import cases
from legalcase.services.auth import issue_token
from legalcase.services.clock import today
from legalcase.services.scope import apply_scope, set_creditor_scope
from tests import factories as F


def _bearer(session, user) -> dict:
    token = issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_plans_api_and_scope(client, session):
    admin = F.user(session, "admin")
    case = F.case(session, admin)
    due = today() - timedelta(days=400)
    F.receivable(session, admin, case, "FP-1", "20000.00", due - timedelta(days=30), due)
    h = _bearer(session, admin)
    agreed = today() - timedelta(days=10)
    body = {
        "agreed_date": agreed.isoformat(),
        "grace_days": 3,
        "instalments": [
            {"due_date": (agreed + timedelta(days=30)).isoformat(), "principal": "10000.00"},
            {
                "due_date": (agreed + timedelta(days=60)).isoformat(),
                "principal": "10000.00",
                "interest": "500.00",
            },
        ],
    }
    r = client.post(f"/api/v1/cases/{case.id}/plans", json=body, headers=h)
    assert r.status_code == 201, r.get_json()
    plan = r.get_json()
    assert plan["status"] == "active" and plan["balance"] == "20500.00"
    assert [i["status"] for i in plan["instalments"]] == ["open", "open"]
    assert plan["instalments"][1]["amount"] == "10500.00"
    r = client.get(f"/api/v1/cases/{case.id}/plans", headers=h)
    assert [p["id"] for p in r.get_json()["items"]] == [plan["id"]]
    # refused with the reason by the field, nothing written
    bad = {**body, "instalments": [{"due_date": "2000-01-01", "principal": "1.00"}]}
    r = client.post(f"/api/v1/cases/{case.id}/plans", json=bad, headers=h)
    assert r.status_code == 400
    assert "还款日不能早于协议签订日" in r.get_json()["error"]["fields"]["instalments"]
    assert len(client.get(f"/api/v1/cases/{case.id}/plans", headers=h).get_json()["items"]) == 1
    # a user limited to another creditor does not find the case's plans or waivers
    other = F.creditor(session, "另一债权主体")
    limited = F.user(session, "legal")
    set_creditor_scope(session, limited, [other.id], admin)
    session.commit()
    h2 = _bearer(session, limited)
    session.expunge_all()  # the requests share this session: nothing read before the scope
    assert client.get(f"/api/v1/cases/{case.id}/plans", headers=h2).status_code == 404
    assert client.get(f"/api/v1/cases/{case.id}/waivers", headers=h2).status_code == 404
    # and the plan's rows themselves are out of the limited user's sight (services.scope)
    apply_scope(session, limited)
    assert session.scalars(select(RepaymentPlan)).all() == []
    assert session.scalars(select(PlanInstalment)).all() == []
    apply_scope(session, admin)
    assert len(session.scalars(select(PlanInstalment)).all()) == 2


def test_mediation_screens_and_the_court_event_form(client, session):
    legal = F.user(session, "legal", username="chen", name="陈律师")
    case = F.case(session, legal)
    F.receivable(session, legal, case, "FP-2", "50000.00", date(2025, 1, 2), date(2025, 3, 1))
    cases.move_stage(session, legal, case, "demand", "律师函")
    session.commit()
    client.post("/login", data={"username": "chen", "password": F.PASSWORD})
    r = client.post(
        f"/cases/{case.id}/mediation/new",
        data={"organisation": "人民调解委员会", "mediator": "周调解", "started_date": "2025-09-01"},
    )
    assert r.status_code == 302
    page = client.get(f"/cases/{case.id}/mediation").data.decode()
    assert "人民调解委员会" in page and "调解中" in page
    session.refresh(case)
    assert case.stage == "mediation"
    # the court event form offers the confirmation, with its fields only
    form = client.get(f"/cases/{case.id}/court-events/new?kind=mediation_confirmed").data.decode()
    assert "调解协议司法确认裁定/调解书" in form
    r = client.post(
        f"/cases/{case.id}/court-events/new",
        data={
            "kind": "mediation_confirmed",
            "court_name": "上海市闵行区人民法院",
            "served_date": "2025-09-20",
            "effective_date": "2025-09-20",
            "performance_due": "2025-10-31",
        },
    )
    assert r.status_code == 422  # a service date is no field of a confirmation
    assert "不需要填写此项" in r.data.decode()
    r = client.post(
        f"/cases/{case.id}/court-events/new",
        data={
            "kind": "mediation_confirmed",
            "court_name": "上海市闵行区人民法院",
            "effective_date": "2025-09-20",
            "performance_due": "2025-10-31",
        },
    )
    assert r.status_code == 302
    enforce = session.scalar(
        select(CaseDeadline).where(
            CaseDeadline.case_id == case.id, CaseDeadline.kind == "enforcement_application"
        )
    )
    assert enforce.unadjusted_date == date(2027, 10, 31)
