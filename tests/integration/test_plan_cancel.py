"""Closing a repayment plan (issue 17, "everything that opens, closes"): cancelled with a
reason, its reminders closed, no longer the claim's due date nor accelerating it (the
limitation counts from the invoices again); a new plan supersedes the running one; a fully
paid plan is completed and cannot be cancelled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from legalcase.domain.errors import Conflict, DomainError
from legalcase.domain.periods import add_years
from legalcase.domain.values import PlanStatus
from legalcase.models import AuditEntry, CaseDeadline, Task
from legalcase.models.plans import RepaymentPlan
from legalcase.services import plan_cancel, plans, receivables
from legalcase.services.clock import today as clock_today
from legalcase.services.ladder import run_ladder
from tests import factories as F

TODAY = clock_today()
AGREED = TODAY - timedelta(days=80)
DUE1, DUE2, DUE3 = (AGREED + timedelta(days=30 * i) for i in (1, 2, 3))
LATER = TODAY + timedelta(days=40)


@pytest.fixture
def owed_case(session):
    legal = F.user(session, "legal", name="陈律师")
    case = F.case(session, legal)
    due = AGREED - timedelta(days=200)
    F.receivable(session, legal, case, "FP-1", "30000.00", due - timedelta(days=60), due)
    session.commit()
    return session, legal, case, due


def _plan(session, legal, case, agreed=AGREED, dues=(DUE1, DUE2, DUE3, LATER), principal="7500"):
    plan = plans.create_plan(
        session,
        legal,
        case,
        {
            "agreed_date": agreed,
            "grace_days": 5,
            "remind_days": 3,
            "instalments": [
                {"due_date": d, "principal": Decimal(principal), "interest": Decimal("0")}
                for d in dues
            ],
        },
    )
    session.commit()
    return plan


def _limitation(session, case):
    return session.scalar(
        select(CaseDeadline).where(
            CaseDeadline.case_id == case.id, CaseDeadline.kind == "limitation"
        )
    )


def _open_plan_tasks(session, plan):
    return session.scalars(
        select(Task).where(Task.reason_key.like(f"plan:{plan.id}:%"), Task.is_done.is_(False))
    ).all()


def test_cancel_stops_reminders_and_acceleration_and_the_limitation_returns(owed_case):
    session, legal, case, due = owed_case
    receivables.record_payment(
        session, legal, case, {"paid_date": DUE1, "amount": Decimal("7500.00")}
    )
    session.commit()
    plan = _plan(session, legal, case)  # the second instalment is never paid: accelerated
    run_ladder(session)
    session.commit()
    keys = {t.reason_key for t in _open_plan_tasks(session, plan)}
    assert keys == {f"plan:{plan.id}:3", f"plan:{plan.id}:4", f"plan:{plan.id}:accelerated"}
    assert "加速到期" in _limitation(session, case).basis

    plan_cancel.cancel_plan(session, legal, plan.id, "债务人申请重新协商")
    session.commit()
    # its reminders and the acceleration task are closed, with the reason
    assert _open_plan_tasks(session, plan) == []
    done = session.scalars(select(Task).where(Task.reason_key.like(f"plan:{plan.id}:%"))).all()
    assert len(done) == 3 and all("债务人申请重新协商" in t.done_note for t in done)
    assert all(t.done_by_id == legal.id for t in done)
    # the plan reads cancelled, nothing accelerated
    [view] = plans.case_plans(session, case.id)
    assert view.state.status == PlanStatus.CANCELLED and view.state.accelerated_due is None
    body = view.to_json()
    assert body["status_label"] == "已取消" and body["cancel_reason"] == "债务人申请重新协商"
    assert body["cancelled_on"] == TODAY.isoformat()
    # limitation: from the invoice again (interrupted by what happened: the agreement, an
    # acknowledgment, and the payment on the first instalment), no longer from the plan's
    # acceleration day (which was later: DUE2 + 5 days)
    lim = _limitation(session, case)
    assert "加速到期" not in lim.basis and "还款协议第" not in lim.basis
    assert f"发票FP-1：民法典第188条：自{due}起算3年" in lim.basis
    assert lim.unadjusted_date == add_years(DUE1, 3)
    # and the daily ladder no longer raises an acceleration task for it
    assert run_ladder(session) is not None
    session.commit()
    assert _open_plan_tasks(session, plan) == []
    # audited: the plan's change with who and why
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "repayment_plans", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.after["cancel_reason"] == "债务人申请重新协商"
    from legalcase.web.audit import changes, entity_label

    assert entity_label("repayment_plans") == "还款协议"
    labels = {name for name, _before, _after in changes(entry)}
    assert {"取消日期", "取消原因", "取消人"} <= labels


def test_cancel_refused_without_reason_twice_or_when_fully_paid(owed_case):
    session, legal, case, due = owed_case
    plan = _plan(session, legal, case, dues=(LATER,), principal="30000")
    with pytest.raises(DomainError) as exc:
        plan_cancel.cancel_plan(session, legal, plan.id, "  ")
    assert exc.value.fields["reason"] == "请填写取消原因"
    session.rollback()
    assert session.get(RepaymentPlan, plan.id).cancelled_on is None
    plan_cancel.cancel_plan(session, legal, plan.id, "重新协商")
    session.commit()
    with pytest.raises(Conflict) as exc:
        plan_cancel.cancel_plan(session, legal, plan.id, "再次取消")
    assert "已于" in exc.value.message and "取消" in exc.value.message
    session.rollback()
    # a fully paid plan shows completed and is not cancelled
    plan2 = _plan(session, legal, case, dues=(LATER,), principal="30000")
    receivables.record_payment(
        session, legal, case, {"paid_date": TODAY, "amount": Decimal("30000.00")}
    )
    session.commit()
    view = next(v for v in plans.case_plans(session, case.id) if v.plan.id == plan2.id)
    assert view.state.status == PlanStatus.COMPLETED and view.state.status.label == "已履行完毕"
    with pytest.raises(Conflict) as exc:
        plan_cancel.cancel_plan(session, legal, plan2.id, "重新协商")
    assert exc.value.message == "该还款协议已履行完毕，无需取消"
    session.rollback()


def test_a_new_plan_supersedes_the_running_one(owed_case):
    session, legal, case, due = owed_case
    old = _plan(session, legal, case, agreed=TODAY - timedelta(days=5), dues=(LATER,))
    assert len(_open_plan_tasks(session, old)) == 1
    new = _plan(session, legal, case, agreed=TODAY, dues=(LATER + timedelta(days=30),))
    session.refresh(old)
    assert old.cancelled_on == TODAY
    assert old.cancel_reason == f"被{TODAY}签订的新还款协议取代"
    assert _open_plan_tasks(session, old) == []
    assert len(_open_plan_tasks(session, new)) == 1
    views = {v.plan.id: v.state.status for v in plans.case_plans(session, case.id)}
    assert views == {old.id: PlanStatus.CANCELLED, new.id: PlanStatus.ACTIVE}
    # the claim falls due with the new plan's last instalment
    assert _limitation(session, case).unadjusted_date == add_years(LATER + timedelta(days=30), 3)


def _cancel_in_thread(app, barrier, results, actor_id, plan_id, reason):
    from legalcase.db import db
    from legalcase.models import User

    with app.app_context():
        barrier.wait()
        try:
            with db.unit_of_work(write=True) as uow:
                actor = uow.session.get(User, actor_id)
                plan_cancel.cancel_plan(uow.session, actor, plan_id, reason)
                uow.commit()
            results.append(reason)
        except Conflict as exc:
            results.append(exc.code)
        except Exception as exc:  # reported by the test
            results.append(repr(exc))


def test_two_users_cancelling_at_once_cancel_it_once(app, owed_case):
    import threading

    session, legal, case, due = owed_case
    plan = _plan(session, legal, case, agreed=TODAY, dues=(LATER,))
    other = F.user(session, "legal", name="王律师")
    session.commit()
    ids = (legal.id, plan.id, other.id)
    session.close()
    barrier, results = threading.Barrier(2), []
    threads = [
        threading.Thread(
            target=_cancel_in_thread, args=(app, barrier, results, uid, ids[1], reason)
        )
        for uid, reason in ((ids[0], "重新协商"), (ids[2], "被新协议取代"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("plan_cancelled") == 1, results
    [won] = [r for r in results if r != "plan_cancelled"]
    assert won in ("重新协商", "被新协议取代")
    row = session.get(RepaymentPlan, ids[1])
    assert row.cancel_reason == won
    audited = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "repayment_plans", AuditEntry.action == "update"
        )
    ).all()
    assert [a.after.get("cancel_reason") for a in audited] == [won]
    [task] = session.scalars(select(Task).where(Task.reason_key.like(f"plan:{ids[1]}:%"))).all()
    assert task.is_done and won in task.done_note


def test_paid_instalments_reminders_close_and_a_fully_paid_plan_is_completed(owed_case):
    session, legal, case, due = owed_case
    first, second = TODAY + timedelta(days=20), TODAY + timedelta(days=50)
    plan = _plan(session, legal, case, agreed=TODAY, dues=(first, second), principal="15000")
    assert len(_open_plan_tasks(session, plan)) == 2
    receivables.record_payment(
        session, legal, case, {"paid_date": TODAY, "amount": Decimal("15000.00")}
    )
    run_ladder(session)
    session.commit()
    # the first instalment is paid early: its reminder closes, the second's stays
    assert [t.reason_key for t in _open_plan_tasks(session, plan)] == [f"plan:{plan.id}:2"]
    closed = session.scalar(select(Task).where(Task.reason_key == f"plan:{plan.id}:1"))
    assert closed.is_done and f"第1期已于{TODAY}付清" in closed.done_note
    receivables.record_payment(
        session, legal, case, {"paid_date": TODAY, "amount": Decimal("15000.00")}
    )
    run_ladder(session)
    session.commit()
    assert _open_plan_tasks(session, plan) == []
    [view] = plans.case_plans(session, case.id)
    assert view.state.status == PlanStatus.COMPLETED
    assert view.to_json()["status_label"] == "已履行完毕"
