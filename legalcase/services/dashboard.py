"""Numbers for managers: aging, overdue ratio, recovery, contact and commitment rates, bad debt,
stages, upcoming deadlines, per owner and per creditor; and the rows behind them."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.aging import TIER_LABELS, days_overdue, tier_for
from legalcase.domain.money import ZERO
from legalcase.domain.stages import STAGE_LABELS, Stage
from legalcase.models import (
    Case,
    CaseDeadline,
    Creditor,
    LedgerEntry,
    Party,
    Promise,
    Receivable,
    User,
)

from .next_deadline import acts_on_expr, is_open_expr

CONTACT_TARGET = Decimal("0.85")
COMMITMENT_TARGET = Decimal("0.40")
PROMISE_WINDOW_DAYS = 90  # the promise-kept KPI counts the promises due in these last days

# A text cell starting with one of these is read as a formula by a spreadsheet (OWASP CSV
# injection; the full-width forms are typed by Chinese input methods).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# What XML 1.0 forbids (an XLSX is XML): C0 controls except tab, LF, CR; lone surrogates;
# U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
CELL_MAX = 32767  # characters Excel keeps in one cell


def export_cell(value: object) -> object:
    """A value fit for a CSV or XLSX cell: text loses the characters XML forbids and, when it
    would start a formula, gets a leading single quote; numbers, dates and None are kept."""
    if not isinstance(value, str):
        return value
    text = XML_FORBIDDEN.sub("", value)[:CELL_MAX]
    return "'" + text if text.startswith(FORMULA_START) else text


@dataclass(frozen=True)
class PromiseOutcomes:
    """How the promises due in the last ``PROMISE_WINDOW_DAYS`` days (before today) ended.

    Partly kept (something but not all paid by the promised date) is counted on its own: not
    as kept (the kept rate counts only promises paid in full) and not as broken (the broken
    rate counts only promises on which nothing was paid). The three rates add up to 1."""

    kept: int = 0
    partly_kept: int = 0
    broken: int = 0

    @property
    def total(self) -> int:
        return self.kept + self.partly_kept + self.broken

    def _share(self, n: int) -> Decimal | None:
        return Decimal(n) / Decimal(self.total) if self.total else None

    @property
    def kept_rate(self) -> Decimal | None:
        return self._share(self.kept)

    @property
    def partly_kept_rate(self) -> Decimal | None:
        return self._share(self.partly_kept)

    @property
    def broken_rate(self) -> Decimal | None:
        return self._share(self.broken)


def _promise_outcomes(session: Session, today: date) -> PromiseOutcomes:
    """Each promise due in the window judged by its payments (as every screen shows it)."""
    from legalcase.domain.promises import PromiseStatus, promise_status

    from .promises import paid_in_windows

    due = session.execute(
        select(Promise.id, Promise.amount, Promise.due_date).where(
            Promise.due_date >= today - timedelta(days=PROMISE_WINDOW_DAYS),
            Promise.due_date < today,
        )
    ).all()
    if not due:
        return PromiseOutcomes()
    paid = paid_in_windows(session, None)
    counts = Counter(promise_status(a, d, paid.get(pid, ZERO), today) for pid, a, d in due)
    return PromiseOutcomes(
        counts[PromiseStatus.KEPT], counts[PromiseStatus.PARTLY_KEPT], counts[PromiseStatus.BROKEN]
    )


@dataclass
class Dashboard:
    today: date
    aging: dict[str, Decimal]
    outstanding: Decimal
    overdue: Decimal
    principal: Decimal
    paid: Decimal
    written_off: Decimal
    contact_rate: Decimal | None
    commitment_rate: Decimal | None
    stages: dict[str, int]
    upcoming: list
    per_owner: list[dict]
    per_creditor: list[dict]
    rows: list[dict] = field(default_factory=list)
    promises: PromiseOutcomes = field(default_factory=PromiseOutcomes)

    @property
    def overdue_ratio(self) -> Decimal | None:
        return self.overdue / self.outstanding if self.outstanding else None

    @property
    def recovery_rate(self) -> Decimal | None:
        return self.paid / self.principal if self.principal else None

    @property
    def bad_debt_rate(self) -> Decimal | None:
        return self.written_off / self.principal if self.principal else None


def _rate(session: Session, today: date, after_days: int, contact: bool) -> Decimal | None:
    """Of the cases overdue at least ``after_days``, the share that had a contact (or made a
    promise) within ``after_days`` of falling overdue. Dates are compared in Python: SQL date
    arithmetic differs between SQLite and PostgreSQL."""
    from .clock import SHANGHAI

    cutoff = today - timedelta(days=after_days)
    due = dict(
        session.execute(
            select(Case.id, Case.oldest_unpaid_due_date).where(
                Case.oldest_unpaid_due_date.is_not(None), Case.oldest_unpaid_due_date <= cutoff
            )
        ).all()
    )
    if not due:
        return None
    if contact:
        rows = session.execute(
            select(LedgerEntry.case_id, LedgerEntry.contacted_at)
            .join(Case, Case.id == LedgerEntry.case_id)
            .where(Case.oldest_unpaid_due_date <= cutoff)
        )
        days = ((cid, at.astimezone(SHANGHAI).date()) for cid, at in rows)
    else:
        days = session.execute(
            select(Promise.case_id, Promise.made_date)
            .join(Case, Case.id == Promise.case_id)
            .where(Case.oldest_unpaid_due_date <= cutoff)
        )
    met = {cid for cid, day in days if due[cid] <= day <= due[cid] + timedelta(days=after_days)}
    return Decimal(len(met)) / Decimal(len(due))


def build(session: Session, today: date) -> Dashboard:
    aging: dict[str, Decimal] = {t.value: ZERO for t in TIER_LABELS}
    outstanding = overdue = ZERO
    for due, amount, paid in session.execute(
        select(Receivable.due_date, Receivable.amount, Receivable.paid_amount).where(
            Receivable.amount > Receivable.paid_amount
        )
    ):
        left = amount - paid
        days = days_overdue(due, today)
        aging[tier_for(days).value] += left
        outstanding += left
        if days > 0:
            overdue += left
    cases = session.execute(
        select(
            Case.id,
            Case.title,
            Case.stage,
            Case.owner_id,
            Case.creditor_id,
            Case.principal_amount,
            Case.paid_amount,
            Case.outstanding_amount,
            Case.oldest_unpaid_due_date,
            Case.next_deadline_date,
            Party.name.label("debtor"),
            User.display_name.label("owner"),
            Creditor.name.label("creditor"),
        )
        .join(Party, Party.id == Case.debtor_id)
        .join(User, User.id == Case.owner_id)
        .join(Creditor, Creditor.id == Case.creditor_id)
        .order_by(Case.id)
    ).all()
    principal = sum((c.principal_amount for c in cases), ZERO)
    paid = sum((c.paid_amount for c in cases), ZERO)
    written_off = sum(
        (c.outstanding_amount for c in cases if c.stage == Stage.CLOSED_WRITTEN_OFF), ZERO
    )
    stages = Counter(c.stage for c in cases)
    groups = {
        "owner": defaultdict(lambda: [0, ZERO, ZERO]),
        "creditor": defaultdict(lambda: [0, ZERO, ZERO]),
    }
    rows = []
    for c in cases:
        days = days_overdue(c.oldest_unpaid_due_date, today)
        for kind, name in (("owner", c.owner), ("creditor", c.creditor)):
            g = groups[kind][name]
            g[0] += 1
            g[1] += c.outstanding_amount
            g[2] += c.outstanding_amount if days > 0 else ZERO
        rows.append(
            {
                "案件编号": c.id,
                "案件": c.title,
                "债务人": c.debtor,
                "债权主体": c.creditor,
                "负责人": c.owner,
                "阶段": STAGE_LABELS[Stage(c.stage)],
                "应收合计": c.principal_amount,
                "已回款": c.paid_amount,
                "欠款": c.outstanding_amount,
                "逾期天数": days,
                "账龄": TIER_LABELS[tier_for(days)],
                "下一期限": c.next_deadline_date,
            }
        )
    # Open deadlines acting within 30 days, passed and unhandled ones first (issue 12 point 7).
    day = acts_on_expr()
    upcoming = list(
        session.execute(
            select(CaseDeadline.kind, day, Case.id, Case.title)
            .join(Case, Case.id == CaseDeadline.case_id)
            .where(is_open_expr(), day <= today + timedelta(days=30))
            .order_by(day, Case.id, CaseDeadline.id)
            .limit(50)
        )
    )

    def table(kind: str) -> list[dict]:
        return [
            {"name": k, "cases": v[0], "outstanding": v[1], "overdue": v[2]}
            for k, v in sorted(groups[kind].items(), key=lambda kv: -kv[1][1])
        ]

    return Dashboard(
        today,
        aging,
        outstanding,
        overdue,
        principal,
        paid,
        written_off,
        _rate(session, today, 30, contact=True),
        _rate(session, today, 60, contact=False),
        {s.value: stages.get(s.value, 0) for s in Stage},
        upcoming,
        table("owner"),
        table("creditor"),
        rows,
        _promise_outcomes(session, today),
    )


@dataclass(frozen=True)
class Workload:
    """One person's load (工作台 card, issue 14 point 2)."""

    user_id: int
    name: str
    open_cases: int
    capacity: int | None
    outstanding: Decimal
    open_tasks: int
    overdue_tasks: int


def workload(session: Session, today: date, user_ids: list[int] | None = None) -> list[Workload]:
    """Open cases, their outstanding amount and open/overdue tasks per active collector (and
    anyone else owning open cases), within the session's creditor scope; busiest first."""
    from sqlalchemy import case, func, or_

    from legalcase.domain.stages import CLOSED
    from legalcase.models import CollectorCapacity, Task

    closed = [s.value for s in CLOSED]
    cases = {
        uid: (n, amount)
        for uid, n, amount in session.execute(
            select(Case.owner_id, func.count(Case.id), func.sum(Case.outstanding_amount))
            .where(Case.stage.not_in(closed))
            .group_by(Case.owner_id)
        )
    }
    tasks = {
        uid: (n, late or 0)
        for uid, n, late in session.execute(
            select(
                Task.assignee_id,
                func.count(Task.id),
                func.sum(case((Task.due_date < today, 1), else_=0)),
            )
            .where(Task.is_done.is_(False))
            .group_by(Task.assignee_id)
        )
    }
    users = select(User).where(
        User.is_active.is_(True), or_(User.role == "collector", User.id.in_(list(cases)))
    )
    if user_ids is not None:
        users = users.where(User.id.in_(user_ids))
    capacity = dict(
        session.execute(select(CollectorCapacity.user_id, CollectorCapacity.max_open_cases)).all()
    )
    rows = [
        Workload(
            u.id,
            u.display_name,
            cases.get(u.id, (0, None))[0],
            capacity.get(u.id),
            cases.get(u.id, (0, None))[1] or ZERO,
            tasks.get(u.id, (0, 0))[0],
            int(tasks.get(u.id, (0, 0))[1]),
        )
        for u in session.scalars(users)
    ]
    return sorted(rows, key=lambda w: (-w.open_cases, w.name, w.user_id))
