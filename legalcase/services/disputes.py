"""Disputes (异议) on receivables: opened by staff or by the debtor on the online statement,
resolved upheld (the receivable is credited through ``receivables.update_receivable``, so the
case's one amount owed follows) or rejected (collection resumes).

While a dispute is open the ladder and the batch reminders leave its receivable alone: a case
all of whose owed receivables are disputed is paused; one partly disputed is counted from the
oldest due date of what is not disputed (``collection_view``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from legalcase.domain.disputes import (
    Open,
    check_amount,
    check_resolution,
    credit_instalments,
    is_paused,
    oldest_undisputed_due,
)
from legalcase.domain.errors import Conflict, ValidationFailed
from legalcase.domain.money import ZERO
from legalcase.domain.roles import require_dispute_uphold
from legalcase.domain.values import DisputeReason, DisputeStatus
from legalcase.models import Case, Dispute, EvidenceItem, Receivable, User
from legalcase.models.base import utcnow

from .balances import owed
from .common import begin_case_write
from .receivables import update_receivable

OPEN = DisputeStatus.OPEN.value


def _left(r: Receivable) -> Decimal:
    return r.amount - r.paid_amount


def _evidence(session: Session, case: Case, ids: Iterable[int]) -> list[EvidenceItem]:
    wanted = sorted(set(ids or ()))
    if not wanted:
        return []
    items = list(session.scalars(select(EvidenceItem).where(EvidenceItem.id.in_(wanted))))
    if len(items) != len(wanted) or any(e.case_id != case.id for e in items):
        raise ValidationFailed({"evidence_ids": "证据不属于本案"})
    return items


def open_dispute(
    session: Session,
    actor: User,
    case: Case,
    data: dict,
    *,
    confirmation_id: int | None = None,
    now: datetime | None = None,
) -> Dispute:
    """Open a dispute on one of the case's receivables (``receivable_id``, ``reason``,
    ``amount``: default all it still owes, ``description``, ``evidence_ids``). ``confirmation_id``:
    the debtor opened it on the online statement (no staff member opened it)."""
    begin_case_write(session, actor, case)
    r = session.get(Receivable, data.get("receivable_id") or 0)
    if r is None or r.case_id != case.id:
        raise ValidationFailed({"receivable_id": "请选择本案的应收款"})
    if data.get("reason") not in DisputeReason.labels():
        raise ValidationFailed({"reason": "请选择异议类型"})
    taken = session.scalar(
        select(Dispute.id).where(Dispute.receivable_id == r.id, Dispute.status == OPEN)
    )
    if taken is not None:
        raise Conflict("dispute_open", f"应收款 {r.invoice_no} 已有处理中的异议（#{taken}）")
    amount = data.get("amount")
    amount = _left(r) if amount is None else amount
    check_amount(amount, _left(r))
    dispute = Dispute(
        case_id=case.id,
        receivable_id=r.id,
        reason=data["reason"],
        amount=amount,
        description=(data.get("description") or "").strip() or None,
        status=OPEN,
        opened_at=now or utcnow(),
        opened_by_id=None if confirmation_id else actor.id,
        confirmation_id=confirmation_id,
    )
    dispute.evidence = _evidence(session, case, data.get("evidence_ids") or ())
    session.add(dispute)
    session.flush()
    return dispute


def resolve_dispute(
    session: Session, actor: User, dispute: Dispute, data: dict, now: datetime | None = None
) -> Dispute:
    """``outcome`` upheld (``credit_amount``: default the amount disputed; the legal staff or
    an admin only) or rejected (anyone who may change the case), with a ``note``. Upheld credits the receivable: its amount (and its last instalments)
    come down, and the case's figures are stored again."""
    case = session.get(Case, dispute.case_id)
    begin_case_write(session, actor, case)
    session.refresh(dispute)
    if not dispute.is_open:
        raise Conflict("dispute_closed", "该异议已处理，不能再次处理")
    outcome = data.get("outcome")
    if outcome == DisputeStatus.UPHELD:  # a credit cuts the principal: legal or admin only
        require_dispute_uphold(actor.role)
    credit = check_resolution(outcome, data.get("credit_amount"), dispute.amount)
    if credit > ZERO:
        r = dispute.receivable
        if credit > _left(r):
            raise ValidationFailed({"credit_amount": f"调减金额不能超过该应收款尚欠的 {_left(r)}"})
        change: dict = {"amount": r.amount - credit}
        if r.instalments:
            parts = credit_instalments([(i.due_date, i.amount) for i in r.instalments], credit)
            change["instalments"] = [{"due_date": d, "amount": a} for d, a in parts]
        update_receivable(session, actor, r, change)
    dispute.status = outcome
    dispute.credit_amount = credit if credit > ZERO else None
    dispute.resolution_note = (data.get("note") or "").strip() or None
    dispute.resolved_at = now or utcnow()
    dispute.resolved_by_id = actor.id
    session.flush()
    return dispute


def case_disputes(session: Session, case_id: int) -> list[Dispute]:
    return list(
        session.scalars(
            select(Dispute)
            .where(Dispute.case_id == case_id)
            .options(joinedload(Dispute.receivable), joinedload(Dispute.evidence))
            .order_by(Dispute.status != OPEN, Dispute.opened_at.desc(), Dispute.id.desc())
        ).unique()
    )


def disputed_receivables(session: Session, case_ids: Sequence[int]) -> dict[int, set[int]]:
    """Case id -> the receivables under an open dispute (only cases that have some)."""
    out: dict[int, set[int]] = defaultdict(set)
    ids = sorted(set(case_ids))
    for i in range(0, len(ids), 500):
        for cid, rid in session.execute(
            select(Dispute.case_id, Dispute.receivable_id).where(
                Dispute.case_id.in_(ids[i : i + 500]), Dispute.status == OPEN
            )
        ):
            out[cid].add(rid)
    return dict(out)


@dataclass(frozen=True)
class Collection:
    """How collection sees a case with open disputes."""

    paused: bool  # every receivable it still owes is disputed: no ladder, no reminders
    oldest_due: date | None  # the oldest unpaid due date of what is not disputed


def collection_view(session: Session, case_ids: Sequence[int]) -> dict[int, Collection]:
    """For the cases among ``case_ids`` that have open disputes: paused, or the due date the
    ladder counts from (the others are collected as their stored figures say)."""
    disputed = disputed_receivables(session, case_ids)
    if not disputed:
        return {}
    receivables = session.scalars(
        select(Receivable)
        .where(Receivable.case_id.in_(sorted(disputed)))
        .options(selectinload(Receivable.instalments))
    )
    per_case: dict[int, list[Open]] = defaultdict(list)
    for r in receivables:
        per_case[r.case_id].append(Open(r.id, _left(r), owed(r).oldest_due))
    return {
        cid: Collection(is_paused(per_case[cid], rids), oldest_undisputed_due(per_case[cid], rids))
        for cid, rids in disputed.items()
    }


def paused_case_ids(session: Session, case_ids: Sequence[int]) -> set[int]:
    return {cid for cid, view in collection_view(session, case_ids).items() if view.paused}


@dataclass(frozen=True)
class Counts:
    open: int = 0
    amount: Decimal = ZERO  # disputed in the open ones
    cases: int = 0  # cases with an open dispute
    resolved: int = 0


def counts(session: Session) -> Counts:
    """The dashboard's figures: open disputes, the amount they dispute, their cases."""
    n, amount, cases = session.execute(
        select(
            func.count(Dispute.id),
            func.coalesce(func.sum(Dispute.amount), 0),
            func.count(func.distinct(Dispute.case_id)),
        ).where(Dispute.status == OPEN)
    ).one()
    resolved = session.scalar(select(func.count(Dispute.id)).where(Dispute.status != OPEN))
    total = amount if isinstance(amount, Decimal) else Decimal(int(amount or 0)) / 100
    return Counts(n or 0, total.quantize(Decimal("0.01")), cases or 0, resolved or 0)


def quality_dispute_text(session: Session, case: Case, when: str) -> str | None:
    """The complaint's item on quality or quantity disputes, from the recorded disputes;
    None when none was recorded (the caller then reads the ledger). ``when`` formats a date."""
    rows = list(
        session.scalars(
            select(Dispute)
            .where(Dispute.case_id == case.id)
            .options(selectinload(Dispute.receivable))
            .order_by(Dispute.opened_at, Dispute.id)
        )
    )
    if not rows:
        return None
    parts = []
    for d in rows:
        what = DisputeReason(d.reason).label
        outcome = {
            DisputeStatus.OPEN: "尚在处理",
            DisputeStatus.UPHELD: f"经核实成立，已调减{d.credit_amount}元"
            if d.credit_amount
            else "经核实成立",
            DisputeStatus.REJECTED: "经核实不成立",
        }[DisputeStatus(d.status)]
        said = f"（{d.description}）" if d.description else ""
        parts.append(
            f"被告于{when(d.opened_at)}就发票{d.receivable.invoice_no}提出{what}{said}，"
            f"涉及金额{d.amount}元，{outcome}"
        )
    return "；".join(parts)
