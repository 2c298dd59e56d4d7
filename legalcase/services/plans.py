"""Repayment plans (还款协议): recorded with their instalments, followed against the payments.

Recording a plan also records, in the collection ledger, the debtor's acknowledgment it is
(RULES.md section 2: agreeing to a repayment plan interrupts limitation), a reminder task for
the case owner before each instalment, and recomputes the case's deadlines: the claim's due
date becomes the last instalment's (CC 189), or, once an instalment is missed beyond the
grace days, the day the whole balance became due (the acceleration clause; ``plan_dues``).
Statuses are derived from the payments (``domain.plans.track``), never stored, so every
screen shows them as of today.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.money import ZERO
from legalcase.domain.plans import Due, PlanState, reminder_date, require_valid, track
from legalcase.domain.values import PlanStatus
from legalcase.models import Case, LedgerEntry, Payment, Task, User
from legalcase.models.base import utcnow
from legalcase.models.plans import PlanInstalment, RepaymentPlan

from .clock import SHANGHAI
from .clock import today as clock_today
from .common import begin_case_write


@dataclass
class PlanView:
    plan: RepaymentPlan
    state: PlanState

    @property
    def principal(self) -> Decimal:
        return sum((i.principal for i in self.plan.instalments), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((i.interest for i in self.plan.instalments), ZERO)

    def to_json(self) -> dict:
        p, s = self.plan, self.state
        by_seq = {i.seq: i for i in p.instalments}
        return {
            "id": p.id,
            "case_id": p.case_id,
            "agreed_date": p.agreed_date.isoformat(),
            "grace_days": p.grace_days,
            "remind_days": p.remind_days,
            "note": p.note,
            "ledger_entry_id": p.ledger_entry_id,
            "status": s.status.value,
            "status_label": s.status.label,
            "accelerated_due": s.accelerated_due.isoformat() if s.accelerated_due else None,
            "balance": f"{s.balance:.2f}",
            "cancelled_on": p.cancelled_on.isoformat() if p.cancelled_on else None,
            "cancel_reason": p.cancel_reason,
            "instalments": [
                {
                    "seq": t.seq,
                    "due_date": t.due_date.isoformat(),
                    "principal": f"{by_seq[t.seq].principal:.2f}",
                    "interest": f"{by_seq[t.seq].interest:.2f}",
                    "amount": f"{t.amount:.2f}",
                    "paid": f"{t.paid:.2f}",
                    "paid_off_on": t.paid_off_on.isoformat() if t.paid_off_on else None,
                    "status": t.status.value,
                    "status_label": t.status.label,
                }
                for t in s.instalments
            ],
        }


def _dues(plan: RepaymentPlan) -> list[Due]:
    return [Due(i.seq, i.due_date, i.principal, i.interest) for i in plan.instalments]


def _payments(session: Session, case_ids: list[int]) -> dict[int, list[tuple[date, Decimal]]]:
    out: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    rows = session.execute(
        select(Payment.case_id, Payment.paid_date, Payment.amount).where(
            Payment.case_id.in_(case_ids)
        )
    )
    for cid, day, amount in rows:
        out[cid].append((day, amount))
    return out


def _view(p: RepaymentPlan, paid: list[tuple[date, Decimal]], today: date) -> PlanView:
    state = track(p.agreed_date, _dues(p), paid, p.grace_days, today)
    if p.cancelled_on is not None:  # closed by a user (services.plan_cancel): drives nothing
        state = replace(state, status=PlanStatus.CANCELLED, accelerated_due=None, broken_seq=None)
    return PlanView(p, state)


def case_plans(
    session: Session,
    case_id: int,
    today: date | None = None,
    payments: list[Payment] | None = None,
) -> list[PlanView]:
    """The case's plans, latest first, each with its instalments' statuses as of ``today``.
    ``payments``: the case's payments when the caller has loaded them (the case page)."""
    today = today or clock_today()
    plans = list(
        session.scalars(
            select(RepaymentPlan)
            .where(RepaymentPlan.case_id == case_id)
            .options(joinedload(RepaymentPlan.instalments))
            .order_by(RepaymentPlan.agreed_date.desc(), RepaymentPlan.id.desc())
        ).unique()
    )
    if not plans:
        return []
    if payments is not None:
        paid = [(p.paid_date, p.amount) for p in payments]
    else:
        paid = _payments(session, [case_id])[case_id]
    return [_view(p, paid, today) for p in plans]


def _latest(session: Session, case_ids: list[int], today: date) -> list[PlanView]:
    """The latest plan not cancelled of each of ``case_ids`` that has one, with its state as
    of ``today`` (a cancelled plan drives no deadline and no acceleration)."""
    latest = (
        select(RepaymentPlan.case_id, func.max(RepaymentPlan.id).label("pid"))
        .where(RepaymentPlan.case_id.in_(case_ids), RepaymentPlan.cancelled_on.is_(None))
        .group_by(RepaymentPlan.case_id)
        .subquery()
    )
    plans = list(
        session.scalars(
            select(RepaymentPlan)
            .join(latest, latest.c.pid == RepaymentPlan.id)
            .options(selectinload(RepaymentPlan.instalments))
        )
    )
    if not plans:
        return []
    paid = _payments(session, [p.case_id for p in plans])
    return [_view(p, paid[p.case_id], today) for p in plans]


def plan_dues(
    session: Session, case_ids: list[int], today: date | None = None
) -> dict[int, tuple[date, str]]:
    """Case id -> (the claim's due date under its latest plan, why), for the deadlines
    (services.deadline_facts): the last instalment's due date, or the acceleration day."""
    out = {}
    for v in _latest(session, case_ids, today or clock_today()):
        p, state = v.plan, v.state
        end = state.end_date
        if end is None or state.status == PlanStatus.COMPLETED:
            continue
        if state.accelerated_due is not None:
            why = (
                f"{p.agreed_date}签订的还款协议第{state.broken_seq}期未按期履行，宽限期"
                f"{p.grace_days}日届满，剩余款项于{end}全部到期（加速到期条款）"
            )
        else:
            why = f"{p.agreed_date}签订的还款协议，最后一期于{end}到期（民法典第189条）"
        out[p.case_id] = (end, why)
    return out


def cases_on_plan(session: Session, case_ids: list[int], today: date) -> set[int]:
    """Those of ``case_ids`` whose latest plan (not cancelled) is in good standing as of
    ``today``: active, no instalment broken beyond its grace days, not accelerated."""
    if not case_ids:
        return set()
    return {
        v.plan.case_id
        for v in _latest(session, case_ids, today)
        if v.state.status == PlanStatus.ACTIVE
    }


def acceleration_tasks(
    session: Session, cases: list[Case], existing: set[tuple[int, str]], today: date
) -> int:
    """The daily ladder's part: a task for the case owner once a plan is broken and its
    balance accelerated (one per plan, ``existing``: (case id, reason key) of every task);
    the reminders of instalments already paid in full are closed (a completed plan's all)."""
    by_id = {c.id: c for c in cases}
    created = 0
    paid_off: dict[str, str] = {}
    for v in _latest(session, list(by_id), today):
        p, state = v.plan, v.state
        for t in state.instalments:
            if t.paid_off_on is not None:
                paid_off[f"plan:{p.id}:{t.seq}"] = f"第{t.seq}期已于{t.paid_off_on}付清，无需再提醒"
        key = f"plan:{p.id}:accelerated"
        if state.accelerated_due is None or (p.case_id, key) in existing:
            continue
        session.add(
            Task(
                case_id=p.case_id,
                assignee_id=by_id[p.case_id].owner_id or p.user_id,
                reason_key=key,
                title="还款协议违约：剩余款项已全部到期",
                reason=(
                    f"{p.agreed_date}签订的还款协议第{state.broken_seq}期逾期超过宽限期未付清，"
                    f"剩余 {state.balance:,.2f} 已于{state.accelerated_due}全部到期，"
                    "请催告债务人一次性清偿或准备起诉"
                ),
                due_date=today + timedelta(days=3),
                created_at=utcnow(),
            )
        )
        existing.add((p.case_id, key))
        created += 1
    if paid_off:
        open_reminders = select(Task).where(
            Task.reason_key.in_(paid_off), Task.is_done.is_(False), Task.case_id.in_(by_id)
        )
        for task in session.scalars(open_reminders):
            task.is_done, task.done_at, task.done_note = True, utcnow(), paid_off[task.reason_key]
    return created


def _parse_instalments(rows: list[dict]) -> list[Due]:
    return [
        Due(seq, r["due_date"], r["principal"], r.get("interest") or ZERO)
        for seq, r in enumerate(sorted(rows, key=lambda r: r["due_date"]), start=1)
    ]


def create_plan(
    session: Session, actor: User, case: Case, data: dict, today: date | None = None
) -> RepaymentPlan:
    """Record a signed repayment agreement (``data``: agreed_date, grace_days, remind_days,
    note, instalments [{due_date, principal, interest}])."""
    from .deadlines import refresh_case  # here: deadlines -> deadline_facts -> plans
    from .plan_cancel import supersede_open_plans

    begin_case_write(session, actor, case)
    today = today or clock_today()
    agreed: date = data["agreed_date"]
    grace = data.get("grace_days") or 0
    remind = data.get("remind_days")
    remind = 3 if remind is None else remind
    dues = _parse_instalments(data.get("instalments") or [])
    errors = {}
    if agreed > today:
        errors["agreed_date"] = "协议签订日不能晚于今天"
    if remind < 0:
        errors["remind_days"] = "提前提醒天数不能为负数"
    if errors:
        raise ValidationFailed(errors)
    require_valid(agreed, dues, grace)
    principal = sum((d.principal for d in dues), ZERO)
    # what was owed when it was signed: owed now plus what was paid since
    since = sum((a for day, a in _payments(session, [case.id])[case.id] if day >= agreed), ZERO)
    if principal > case.outstanding_amount + since:
        raise ValidationFailed(
            {
                "instalments": f"各期本金合计 {principal:,.2f} 超过签订协议时尚欠的本金 "
                f"{case.outstanding_amount + since:,.2f}"
            }
        )
    supersede_open_plans(session, actor, case, agreed, today)  # one running plan at a time
    total = sum((d.amount for d in dues), ZERO)
    entry = LedgerEntry(
        case_id=case.id,
        user_id=actor.id,
        contacted_at=datetime.combine(agreed, time(12), SHANGHAI),
        channel="meeting",
        summary=(
            f"签订还款协议：分{len(dues)}期偿还 {total:,.2f}（本金 {principal:,.2f}），"
            f"最后一期 {dues[-1].due_date}；逾期超过{grace}日未付，剩余款项全部到期"
        ),
        outcome="promised",
        legal_effect="acknowledgment",
    )
    session.add(entry)
    plan = RepaymentPlan(
        case_id=case.id,
        user_id=actor.id,
        ledger_entry=entry,
        agreed_date=agreed,
        grace_days=grace,
        remind_days=remind,
        note=(data.get("note") or "").strip() or None,
        instalments=[
            PlanInstalment(
                case_id=case.id,
                seq=d.seq,
                due_date=d.due_date,
                principal=d.principal,
                interest=d.interest,
            )
            for d in dues
        ],
    )
    session.add(plan)
    session.flush()
    for d in dues:
        if d.due_date >= today:
            session.add(_reminder(case, actor, plan, d, today))
    refresh_case(session, case)
    session.flush()
    return plan


def _reminder(case: Case, actor: User, plan: RepaymentPlan, d: Due, today: date) -> Task:
    """The reminder of one instalment: a task for the case owner, due ``remind_days`` before
    it (the worklist and the alert digest show it like any task)."""
    return Task(
        case_id=case.id,
        assignee_id=case.owner_id or actor.id,
        reason_key=f"plan:{plan.id}:{d.seq}",
        title=f"还款提醒：还款协议第{d.seq}期（{d.due_date}到期）",
        reason=(
            f"{plan.agreed_date}签订的还款协议第{d.seq}期 {d.amount:,.2f}（本金 {d.principal:,.2f}，"
            f"利息 {d.interest:,.2f}）将于{d.due_date}到期，请提前提醒债务人按期付款"
        ),
        due_date=max(reminder_date(d.due_date, plan.remind_days), today),
        created_at=utcnow(),
    )


@dataclass(frozen=True, slots=True)
class PlannedReceivable:
    """A receivable row for the deadlines, its limitation counted from the plan's due date."""

    id: int
    case_id: int
    invoice_no: str
    due_date: date  # its own (the guarantee period still runs from it)
    contract_id: int | None
    limitation_due: date
    plan_note: str


def with_plan_dues(session: Session, receivables: dict[int, list], case_ids: list[int]) -> dict:
    """``receivables`` (case id -> open receivable rows) with those of a case under a
    repayment plan falling due on the plan's date when that is later (``plan_dues``): the
    claim's new due date for limitation. A guarantee is not extended by it."""
    dues = plan_dues(session, list(case_ids))
    if not dues:
        return receivables
    out = dict(receivables)
    for cid, (end, why) in dues.items():
        out[cid] = [
            PlannedReceivable(
                r.id, r.case_id, r.invoice_no, r.due_date, r.contract_id, end, f"（{why}）"
            )
            if end > r.due_date
            else r
            for r in receivables.get(cid, ())
        ]
    return out


def agreement_instalments(session: Session, case_id: int) -> list[dict] | None:
    """The instalments of the case's latest plan for the 还款协议 document (templates/FIELDS.md
    ``instalments``), or None without a plan (the document then proposes three months)."""
    from docgen.chinese import amount_in_capitals, chinese_date

    plan = session.scalar(
        select(RepaymentPlan)
        .where(RepaymentPlan.case_id == case_id, RepaymentPlan.cancelled_on.is_(None))
        .options(selectinload(RepaymentPlan.instalments))
        .order_by(RepaymentPlan.id.desc())
        .limit(1)
    )
    if plan is None:
        return None
    return [
        {
            "seq": i.seq,
            "due": chinese_date(i.due_date),
            "principal": f"{i.principal:,.2f}",
            "interest": f"{i.interest:,.2f}",
            "amount": f"{i.amount:,.2f}",
            "amount_cn": amount_in_capitals(i.amount),
        }
        for i in plan.instalments
    ]
