"""Closing a repayment plan (还款协议): cancelled by a user with a reason (the debtor
renegotiated; a new plan supersedes it).

A cancelled plan keeps its instalments and payments for the record, but it no longer drives
anything: its open reminder tasks are closed (done, with the reason as the note), it is left
out of the claim's due date under a plan and of the acceleration (``plans._latest`` reads
only plans not cancelled), so the limitation counts again from the invoices' due dates and
the acknowledgments of the ledger (the agreement's own acknowledgment stays: it happened).
Recording a new plan while one is still running supersedes it explicitly: the old one is
cancelled with a reason naming the new one (``supersede_open_plans``). Everything is audited
(the rows' changes go to the audit log).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import Conflict, ValidationFailed
from legalcase.domain.values import PlanStatus
from legalcase.models import Case, Task, User
from legalcase.models.base import utcnow
from legalcase.models.plans import RepaymentPlan

from .clock import today as clock_today
from .common import begin_case_write, get_or_404


def _close(
    session: Session, actor: User, plan: RepaymentPlan, reason: str, today: date
) -> list[Task]:
    """Mark ``plan`` cancelled and close its open tasks (reminders, acceleration)."""
    plan.cancelled_on = today
    plan.cancel_reason = reason
    plan.cancelled_by_id = actor.id
    tasks = list(
        session.scalars(
            select(Task).where(
                Task.case_id == plan.case_id,
                Task.is_done.is_(False),
                Task.reason_key.like(f"plan:{plan.id}:%"),
            )
        )
    )
    for t in tasks:
        t.is_done = True
        t.done_at = utcnow()
        t.done_by_id = actor.id
        t.done_note = f"还款协议已取消（{reason}），无需再提醒"
    return tasks


def cancel_plan(
    session: Session, actor: User, plan_id: int, reason: str | None, today: date | None = None
) -> RepaymentPlan:
    """Cancel a plan that is running or broken; refused for one cancelled or fully paid."""
    from . import plans as plan_svc
    from .deadlines import refresh_case  # here: deadlines -> deadline_facts -> plans

    plan = get_or_404(session, RepaymentPlan, plan_id, "还款协议")
    case = get_or_404(session, Case, plan.case_id, "案件")
    begin_case_write(session, actor, case)
    session.refresh(plan)
    today = today or clock_today()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写取消原因"})
    if len(reason) > 2000:
        raise ValidationFailed({"reason": "长度不超过 2000 字"})
    if plan.cancelled_on is not None:
        raise Conflict("plan_cancelled", f"该还款协议已于{plan.cancelled_on}取消，不能再取消")
    [view] = [v for v in plan_svc.case_plans(session, case.id, today) if v.plan.id == plan.id]
    if view.state.status == PlanStatus.COMPLETED:
        raise Conflict("plan_completed", "该还款协议已履行完毕，无需取消")
    _close(session, actor, plan, reason, today)
    session.flush()
    refresh_case(session, case)
    session.flush()
    return plan


def supersede_open_plans(
    session: Session, actor: User, case: Case, agreed: date, today: date
) -> list[RepaymentPlan]:
    """Before a new plan of ``case`` (signed on ``agreed``) is recorded: cancel the plans
    still running or broken, the reason naming the new one. The caller holds the case lock."""
    from . import plans as plan_svc

    old = [
        v.plan
        for v in plan_svc.case_plans(session, case.id, today)
        if v.state.status in (PlanStatus.ACTIVE, PlanStatus.ACCELERATED)
    ]
    for plan in old:
        _close(session, actor, plan, f"被{agreed}签订的新还款协议取代", today)
    return old
