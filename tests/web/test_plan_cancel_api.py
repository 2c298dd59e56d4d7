"""Closing what opens (issue 17): a repayment plan cancelled through the API and the plan
page's form (the page then says 已取消 with the reason), and mediations through the API:
opened, a session, closed without agreement (nothing moves; the case page says it ended)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from legalcase.models import Task
from legalcase.services import cases
from legalcase.services.auth import issue_token
from legalcase.services.clock import today
from tests import factories as F


def _bearer(session, user) -> dict:
    token = issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def _owed(session, user, amount="20000.00"):
    case = F.case(session, user)
    due = today() - timedelta(days=400)
    F.receivable(session, user, case, "FP-1", amount, due - timedelta(days=30), due)
    session.commit()
    return case


def _plan_body(agreed):
    return {
        "agreed_date": agreed.isoformat(),
        "grace_days": 3,
        "instalments": [
            {"due_date": (agreed + timedelta(days=30)).isoformat(), "principal": "10000.00"},
            {"due_date": (agreed + timedelta(days=60)).isoformat(), "principal": "10000.00"},
        ],
    }


def test_plan_cancel_through_the_api(client, session):
    admin = F.user(session, "admin")
    case = _owed(session, admin)
    h = _bearer(session, admin)
    r = client.post(f"/api/v1/cases/{case.id}/plans", json=_plan_body(today()), headers=h)
    assert r.status_code == 201, r.get_json()
    plan = r.get_json()
    assert plan["cancelled_on"] is None
    # a reason is required; nothing written without it
    r = client.post(f"/api/v1/plans/{plan['id']}/cancel", json={"reason": ""}, headers=h)
    assert r.status_code == 400 and "reason" in r.get_json()["error"]["fields"]
    r = client.post(f"/api/v1/plans/{plan['id']}/cancel", json={"reason": "重新协商"}, headers=h)
    assert r.status_code == 200, r.get_json()
    out = r.get_json()
    assert out["status"] == "cancelled" and out["status_label"] == "已取消"
    assert out["cancel_reason"] == "重新协商" and out["cancelled_on"] == today().isoformat()
    [listed] = client.get(f"/api/v1/cases/{case.id}/plans", headers=h).get_json()["items"]
    assert listed["status"] == "cancelled"
    open_reminders = session.scalars(
        select(Task).where(Task.case_id == case.id, Task.is_done.is_(False))
    ).all()
    assert [t for t in open_reminders if t.reason_key.startswith("plan:")] == []
    # twice: a conflict in the error format
    r = client.post(f"/api/v1/plans/{plan['id']}/cancel", json={"reason": "再次"}, headers=h)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "plan_cancelled"
    assert (
        client.post("/api/v1/plans/999999/cancel", json={"reason": "x"}, headers=h).status_code
        == 404
    )
    # a viewer may not cancel
    viewer = F.user(session, "viewer")
    plan2 = client.post(
        f"/api/v1/cases/{case.id}/plans", json=_plan_body(today()), headers=h
    ).get_json()
    r = client.post(
        f"/api/v1/plans/{plan2['id']}/cancel",
        json={"reason": "x"},
        headers=_bearer(session, viewer),
    )
    assert r.status_code == 403


def test_plan_page_cancel_form_then_says_cancelled_with_the_reason(client, session):
    legal = F.user(session, "legal", username="chen", name="陈律师")
    case = _owed(session, legal)
    client.post("/login", data={"username": "chen", "password": F.PASSWORD})
    h = _bearer(session, legal)
    plan = client.post(
        f"/api/v1/cases/{case.id}/plans", json=_plan_body(today()), headers=h
    ).get_json()
    page = client.get(f"/cases/{case.id}/plans").data.decode()
    assert "取消协议" in page and f"/plans/{plan['id']}/cancel" in page
    r = client.post(f"/plans/{plan['id']}/cancel", data={"reason": ""})
    assert r.status_code == 422 and "必填" in r.data.decode()
    r = client.post(f"/plans/{plan['id']}/cancel", data={"reason": "债务人申请重新协商"})
    assert r.status_code == 302
    page = client.get(f"/cases/{case.id}/plans").data.decode()
    assert "已取消" in page and "债务人申请重新协商" in page
    assert "取消协议</button>" not in page  # nothing left to cancel
    # the case page says so too, and its audit tab names the change in Chinese
    case_page = client.get(f"/cases/{case.id}?tab=audit").data.decode()
    assert "已取消" in case_page and "债务人申请重新协商" in case_page
    assert "还款协议" in case_page and "取消原因" in case_page


def test_mediation_through_the_api(client, session):
    legal = F.user(session, "legal", username="chen", name="陈律师")
    case = _owed(session, legal, "50000.00")
    cases.move_stage(session, legal, case, "demand", "律师函")
    session.commit()
    h = _bearer(session, legal)
    started = today() - timedelta(days=20)
    r = client.post(
        f"/api/v1/cases/{case.id}/mediations",
        json={"organisation": "人民调解委员会", "mediator": "周调解", "started_date": str(started)},
        headers=h,
    )
    assert r.status_code == 201, r.get_json()
    m = r.get_json()
    assert m["outcome"] == "pending" and m["sessions"] == []
    session.refresh(case)
    assert case.stage == "mediation"
    r = client.post(
        f"/api/v1/mediations/{m['id']}/sessions",
        json={"held_date": str(started - timedelta(days=1)), "summary": "第一次调解"},
        headers=h,
    )
    assert r.status_code == 400 and "held_date" in r.get_json()["error"]["fields"]
    r = client.post(
        f"/api/v1/mediations/{m['id']}/sessions",
        json={"held_date": str(started + timedelta(days=5)), "summary": "双方分歧较大"},
        headers=h,
    )
    assert r.status_code == 201 and r.get_json()["summary"] == "双方分歧较大"
    r = client.post(f"/api/v1/mediations/{m['id']}/close", json={"outcome": "confirmed"}, headers=h)
    assert r.status_code == 400 and "outcome" in r.get_json()["error"]["fields"]
    r = client.post(f"/api/v1/mediations/{m['id']}/close", json={"outcome": "failed"}, headers=h)
    assert r.status_code == 200, r.get_json()
    closed = r.get_json()
    assert closed["outcome"] == "failed" and closed["ended_date"] == today().isoformat()
    [listed] = client.get(f"/api/v1/cases/{case.id}/mediations", headers=h).get_json()["items"]
    assert listed["outcome"] == "failed" and [s["summary"] for s in listed["sessions"]] == [
        "双方分歧较大"
    ]
    # closed: no more sessions, and the stage did not move by itself
    r = client.post(
        f"/api/v1/mediations/{m['id']}/sessions",
        json={"held_date": str(today()), "summary": "又谈了一次"},
        headers=h,
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "mediation_closed"
    session.refresh(case)
    assert case.stage == "mediation"
    client.post("/login", data={"username": "chen", "password": F.PASSWORD})
    page = client.get(f"/cases/{case.id}?tab=ledger").data.decode()
    assert "调解不成" in page and f"调解已于 {today()} 结束" in page
    assert client.get("/api/v1/cases/999999/mediations", headers=h).status_code == 404
