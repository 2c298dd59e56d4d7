"""工作台 worklist: a collector's open cases, who to call first.

Ranked by expected recovery = P(a payment within 30 days) x the amount owed, where the amount
owed is the case's one amount (``Case.outstanding_amount``, stored by
``balances.figures_of`` under the case's allocation setting; never recomputed here). A case
with a deadline at risk (``at_risk``) is raised above the rest, the nearest deadline first.

A deadline is at risk when something can still be done about it: an open deadline (active,
unhandled: ``next_deadline.is_open``) acting within ``AT_RISK_DAYS`` days from today, or one
already passed that can still be cured: a limitation (the creditor's, the guarantor's, or the
enforcement application period, which follows the limitation rules) whose defence the debtor
has not yet waived: an acknowledgment or a part payment now takes that defence away (RULES.md
section 2; 诉讼时效规定第19条). A passed deadline that cannot be cured (a guarantee period
lost, an appeal period or a freeze renewal missed) raises nothing here: it stays on the case
(as its next deadline, "已过 N 天") until someone marks it handled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.aging import days_overdue
from legalcase.domain.money import ZERO
from legalcase.domain.propensity import Reason, expected_recovery
from legalcase.domain.stages import CLOSED
from legalcase.models import Case, CaseDeadline, Party

from .balances import chunks
from .next_deadline import acts_on_expr, is_open_expr
from .propensity import current, score_cases
from .segments import segment_of, segments

AT_RISK_DAYS = 7
# passed, still curable by the debtor's acknowledgment or part payment (see the docstring)
CURABLE_KINDS = frozenset({"limitation", "guarantor_limitation", "enforcement_application"})


def at_risk(kind: str, acts: date, defence_waived: bool, today: date) -> bool:
    """Whether an open deadline acting on ``acts`` puts its case at the top of the worklist."""
    if acts >= today:
        return acts <= today + timedelta(days=AT_RISK_DAYS)
    return kind in CURABLE_KINDS and not defence_waived


def risk_dates(session: Session, case_ids: list[int], today: date) -> dict[int, date]:
    """Case id -> the day its nearest deadline at risk acts on (cases with one only)."""
    d = CaseDeadline
    out: dict[int, date] = {}
    for chunk in chunks(case_ids):
        rows = session.execute(
            select(d.case_id, d.kind, acts_on_expr(), d.is_defence_waived).where(
                d.case_id.in_(chunk), is_open_expr()
            )
        )
        for cid, kind, acts, waived in rows:
            if acts is not None and at_risk(kind, acts, waived, today):
                out[cid] = min(out.get(cid, acts), acts)
    return out


@dataclass(frozen=True)
class WorkItem:
    case_id: int
    title: str
    debtor: str
    currency: str
    owed: Decimal
    days_overdue: int
    probability: float
    expected: Decimal
    reasons: tuple[Reason, ...]
    next_deadline: date | None
    deadline_at_risk: bool
    segment: str | None
    channels: str
    letter_template: str | None
    score_kind: str

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


def rank(items: list[WorkItem]) -> list[WorkItem]:
    """Deadlines at risk first (nearest first), then the highest expected recovery."""
    return sorted(
        items,
        key=lambda w: (
            not w.deadline_at_risk,
            w.next_deadline if w.deadline_at_risk else date.min,
            -w.expected,
            w.case_id,
        ),
    )


def worklist(session: Session, assignee_id: int, today: date) -> list[WorkItem]:
    """The open cases ``assignee_id`` owns (within the session's creditor scope), ranked."""
    rows = session.execute(
        select(
            Case.id,
            Case.title,
            Case.currency,
            Case.creditor_id,
            Case.outstanding_amount,
            Case.oldest_unpaid_due_date,
            Case.next_deadline_date,
            Party.name,
        )
        .join(Party, Party.id == Case.debtor_id)
        .where(
            Case.owner_id == assignee_id,
            Case.stage.not_in([s.value for s in CLOSED]),
            Case.outstanding_amount > ZERO,
        )
    ).all()
    model, _row = current(session)
    scores = score_cases(session, [r.id for r in rows], today, model)
    cadences = segments(session)
    risky = risk_dates(session, [r.id for r in rows], today)
    items = []
    for r in rows:
        s = scores[r.id]
        seg = segment_of(cadences, s.probability, r.creditor_id, r.outstanding_amount)
        items.append(
            WorkItem(
                r.id,
                r.title,
                r.name,
                r.currency,
                r.outstanding_amount,
                days_overdue(r.oldest_unpaid_due_date, today),
                s.probability,
                expected_recovery(s.probability, r.outstanding_amount),
                s.reasons,
                risky.get(r.id, r.next_deadline_date),  # the deadline at risk, if any
                r.id in risky,
                seg.name if seg else None,
                seg.channel_labels if seg else "",
                seg.letter_template if seg else None,
                s.kind,
            )
        )
    return rank(items)


def next_case(items: list[WorkItem], after: int | None) -> WorkItem | None:
    """The case after ``after`` in the list (the first when ``after`` is not in it)."""
    ids = [w.case_id for w in items]
    if after in ids:
        i = ids.index(after) + 1
        return items[i] if i < len(items) else None
    return items[0] if items else None


# ---- early warning -------------------------------------------------------------------

WARN_DAYS = 30  # receivables falling due within these days
WARN_AT = 0.6  # listed from this chance of becoming overdue


@dataclass(frozen=True)
class Warning:
    case_id: int
    title: str
    invoice_no: str
    due_date: date
    left: Decimal
    chance: float  # of becoming overdue
    reasons: tuple[Reason, ...]  # what lowers the chance of payment

    @property
    def percent(self) -> int:
        return round(self.chance * 100)


def early_warnings(
    session: Session, today: date, limit: int = 20, owner_id: int | None = None
) -> list[Warning]:
    """Receivables not yet overdue, falling due within ``WARN_DAYS`` days, whose case has a
    high chance of paying nothing in the next 30 days (1 - its payment propensity): the
    likeliest to fall overdue, with the reasons that lower the case's score. ``owner_id``:
    only that person's cases."""
    from legalcase.models import Receivable

    r = Receivable
    stmt = (
        select(r.case_id, Case.title, r.invoice_no, r.due_date, r.amount, r.paid_amount)
        .join(Case, Case.id == r.case_id)
        .where(
            r.due_date >= today,
            r.due_date <= today + timedelta(days=WARN_DAYS),
            r.amount > r.paid_amount,
            Case.stage.not_in([s.value for s in CLOSED]),
        )
        .order_by(r.due_date, r.id)
    )
    if owner_id is not None:
        stmt = stmt.where(Case.owner_id == owner_id)
    rows = session.execute(stmt).all()
    scores = score_cases(session, sorted({row[0] for row in rows}), today)
    out = []
    for cid, title, invoice_no, due, amount, paid in rows:
        s = scores.get(cid)
        if s is None or 1 - s.probability < WARN_AT:
            continue
        against = tuple(x for x in s.reasons if x.contribution < 0)
        out.append(Warning(cid, title, invoice_no, due, amount - paid, 1 - s.probability, against))
    out.sort(key=lambda w: (-w.chance, w.due_date, w.case_id))
    return out[:limit]
