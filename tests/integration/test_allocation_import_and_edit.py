"""Allocation leftovers (issue 14 point 2): the rules give the cases an import opens to
collectors, logged like a run from 分案; a new owner chosen on the case's edit form goes
through the same checks as a bulk reassignment (capacity, log, tasks follow)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from legalcase import schemas as S
from legalcase.domain.importer import guess_mapping
from legalcase.models import AllocationLog, Case, Task
from legalcase.models.base import utcnow
from legalcase.services import allocation_rules as rules_svc
from legalcase.services import importer
from legalcase.services.clock import today
from tests import factories as F
from tests.integration.test_import import write_ledger


def test_an_import_gives_its_new_cases_to_collectors_by_the_rules(session, tmp_path):
    admin = F.user(session, "admin", name="管理员")
    wang = F.user(session, "collector", name="王芳")
    creditor = F.creditor(session, "华东公司")
    rules_svc.create_rule(
        session,
        admin,
        {"name": "华东专办", "priority": 10, "member_ids": [wang.id], "is_active": True}
        | {"creditor_id": creditor.id},
    )
    rules_svc.set_capacity(session, admin, wang.id, 2)
    session.commit()
    path = tmp_path / "ledger.csv"
    write_ledger(path, 3)  # three debtors, one invoice each: three new cases
    headers, raw = importer.read_table(path)
    result = importer.apply(
        session,
        admin,
        creditor.id,
        importer.plan(session, creditor.id, raw, guess_mapping(headers)),
    )
    session.commit()
    assert result["cases"] == 3 and result["allocated"] == 2  # 王芳 takes two: her capacity
    owners = [c.owner_id for c in session.scalars(select(Case).order_by(Case.id))]
    assert owners == [wang.id, wang.id, admin.id]
    log = session.scalars(select(AllocationLog).order_by(AllocationLog.id)).all()
    assert [(e.to_user_id, e.method, e.rule_name, e.by_user_id) for e in log] == [
        (wang.id, "rule", "华东专办", admin.id),
        (wang.id, "rule", "华东专办", admin.id),
    ]
    # a second import of the same ledger opens nothing and gives nothing twice
    headers, raw = importer.read_table(path)
    again = importer.apply(
        session,
        admin,
        creditor.id,
        importer.plan(session, creditor.id, raw, guess_mapping(headers)),
        skip_bad=True,
    )
    session.commit()
    assert again["cases"] == 0 and again["allocated"] == 0
    assert len(session.scalars(select(AllocationLog)).all()) == 2


def _login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302


def _edit_form(case, owner_id) -> dict:
    data = {k: v for k, v in S.dump_fields(S.CaseSchema(), case).items() if v != ""}
    return {**data, "owner_id": str(owner_id)}


def test_a_new_owner_on_the_edit_form_respects_capacity_and_is_logged(client, session):
    legal = F.user(session, "legal", name="陈法务")
    li = F.user(session, "collector", name="李满额")
    zhou = F.user(session, "collector", name="周有空")
    rules_svc.set_capacity(session, legal, li.id, 1)
    rules_svc.set_capacity(session, legal, zhou.id, 5)
    session.commit()
    F.case(session, legal, owner=li, title="李的已有案件")  # 李满额 is at capacity
    case = F.case(session, legal, title="待转交案件")
    F.receivable(session, legal, case, amount="5000.00")
    session.add(
        Task(
            case_id=case.id,
            assignee_id=legal.id,
            reason_key="overdue30",
            title="催收提醒",
            reason="逾期",
            due_date=today(),
            created_at=utcnow(),
        )
    )
    session.commit()
    _login(client, legal)

    r = client.post(f"/cases/{case.id}/edit", data=_edit_form(case, li.id))
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "李满额已达上限 1 件在办案件" in body and "接收人已满额" in body
    session.expire_all()
    assert session.get(Case, case.id).owner_id == legal.id
    assert session.scalars(select(AllocationLog)).all() == []

    r = client.post(f"/cases/{case.id}/edit", data=_edit_form(case, zhou.id))
    assert r.status_code == 302, r.get_data(as_text=True)
    session.expire_all()
    assert session.get(Case, case.id).owner_id == zhou.id
    (entry,) = session.scalars(select(AllocationLog)).all()
    assert (entry.case_id, entry.from_user_id, entry.to_user_id, entry.method) == (
        case.id,
        legal.id,
        zhou.id,
        "manual",
    )
    assert entry.by_user_id == legal.id
    # the case's open task follows it, as in a bulk reassignment
    assert session.scalar(select(Task.assignee_id).where(Task.case_id == case.id)) == zhou.id
    # editing other fields without changing the owner logs nothing more
    r = client.post(f"/cases/{case.id}/edit", data={**_edit_form(case, zhou.id), "note": "已转交"})
    assert r.status_code == 302
    assert len(session.scalars(select(AllocationLog)).all()) == 1
    assert Decimal(session.get(Case, case.id).outstanding_amount) == Decimal("5000.00")
