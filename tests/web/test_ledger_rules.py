"""The collection ledger (issue 14 point 7): a promise is an amount and a date, the person
reached is kept as entered, a next follow-up date makes one task for the case owner."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from legalcase.models import AuditEntry, LedgerEntry, Promise, Task
from legalcase.services import tasks as task_svc
from legalcase.services.clock import today
from tests import factories as F


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302, r.data.decode()


def _case(session):
    admin = F.user(session)
    owner = F.user(session, "collector", name="李催收")
    c = F.case(session, admin, owner=owner)
    F.receivable(session, admin, c, "FP-1", "50000.00")
    F.parties.add_contact(
        session, admin, c.debtor, {"name": "王强", "relation": "legal_rep", "phone": "138"}
    )
    session.commit()
    return admin, owner, c


def _form(**extra) -> dict:
    return {
        "contacted_at": (today() - timedelta(days=1)).isoformat() + " 10:00",
        "channel": "call",
        "summary": "电话联系财务",
        "outcome": "reached",
        "legal_effect": "none",
        **extra,
    }


def test_a_promise_without_a_date_or_amount_is_refused_naming_the_field(client, session):
    admin, _owner, c = _case(session)
    login(client, admin)
    url = f"/cases/{c.id}/ledger/new"
    r = client.post(url, data=_form(outcome="promised", promise_amount="10000"))
    assert r.status_code == 422
    html = r.data.decode()
    assert "承诺还款日期" in html and "须填写承诺还款日期" in html
    r = client.post(url, data=_form(outcome="promised", promise_due_date=today().isoformat()))
    assert r.status_code == 422 and "须填写承诺还款金额" in r.data.decode()
    r = client.post(url, data=_form(outcome="promised"))
    assert r.status_code == 422
    assert "须填写承诺还款金额" in r.data.decode() and "须填写承诺还款日期" in r.data.decode()
    session.rollback()
    assert session.scalars(select(LedgerEntry)).all() == []
    # with both it is kept, and the promise with it
    due = (today() + timedelta(days=10)).isoformat()
    r = client.post(
        url, data=_form(outcome="promised", promise_amount="10000", promise_due_date=due)
    )
    assert r.status_code == 302
    session.rollback()
    promise = session.scalars(select(Promise)).one()
    assert str(promise.due_date) == due and promise.amount == 10000


def test_the_person_reached_is_shown_as_entered(client, session):
    admin, _owner, c = _case(session)
    login(client, admin)
    contact = c.debtor.contacts[0]
    r = client.post(
        f"/cases/{c.id}/ledger/new",
        data=_form(contact_id=str(contact.id), person_reached="出纳小刘"),
    )
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    assert session.scalars(select(LedgerEntry)).one().person_reached == "出纳小刘"
    html = client.get(f"/cases/{c.id}?tab=ledger").data.decode()
    ledger = html[html.index('id="ledger"') :]
    assert "出纳小刘（联系人：王强）" in ledger
    # without a person reached, the chosen contact
    client.post(f"/cases/{c.id}/ledger/new", data=_form(contact_id=str(contact.id)))
    html = client.get(f"/cases/{c.id}?tab=ledger").data.decode()
    ledger = html[html.index('id="ledger"') : html.index("</table>", html.index('id="ledger"'))]
    assert ledger.count("<td>王强</td>") == 1


def test_a_next_follow_up_date_makes_one_task_for_the_case_owner(client, session):
    admin, owner, c = _case(session)
    login(client, admin)
    follow = today() + timedelta(days=5)
    r = client.post(
        f"/cases/{c.id}/ledger/new",
        data=_form(person_reached="王强", next_follow_up=follow.isoformat()),
    )
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    entry = session.scalars(select(LedgerEntry)).one()
    task = session.scalars(select(Task)).one()
    assert task.assignee_id == owner.id and task.due_date == follow
    assert task.title == "跟进：王强" and task.reason_key == f"followup:{entry.id}"
    assert session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "tasks", AuditEntry.entity_id == task.id)
    )
    assert "下次跟进" in client.get(f"/cases/{c.id}?tab=ledger").data.decode()

    # correcting the entry moves the open task: still one task
    later = follow + timedelta(days=3)
    r = client.post(
        f"/ledger/{entry.id}/edit",
        data={**_form(person_reached="王强", next_follow_up=later.isoformat())},
    )
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    assert [(t.id, t.due_date) for t in session.scalars(select(Task))] == [(task.id, later)]

    # once completed, it stays completed and is not made again
    task_svc.complete_task(session, owner, task.id, "已电话跟进")
    session.commit()
    r = client.post(
        f"/ledger/{entry.id}/edit",
        data={**_form(person_reached="王强", summary="补记", next_follow_up=later.isoformat())},
    )
    assert r.status_code == 302
    session.rollback()
    tasks = session.scalars(select(Task)).all()
    assert len(tasks) == 1 and tasks[0].is_done

    # a follow-up before the contact is refused by its label
    r = client.post(
        f"/cases/{c.id}/ledger/new",
        data=_form(next_follow_up=(today() - timedelta(days=30)).isoformat()),
    )
    assert r.status_code == 422 and "下次跟进日期" in r.data.decode()
