"""Numbers for managers: aging, overdue ratio, recovery, contact and commitment rates, bad debt,
stages, upcoming deadlines, per owner and per creditor; and the rows behind them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import DateTime, and_, cast, func, literal_column, select
from sqlalchemy import case as sa_case
from sqlalchemy.orm import Session

from legalcase.domain.aging import TIER_BOUNDS, TIER_LABELS, Tier, days_overdue, tier_for
from legalcase.domain.kpi import COMMITMENT_TARGET, CONTACT_TARGET  # noqa: F401 - defined once there
from legalcase.domain.money import ZERO
from legalcase.domain.stages import STAGE_LABELS, Stage
from legalcase.models import (
    Case,
    CaseDeadline,
    Creditor,
    LedgerEntry,
    Party,
    Promise,
    User,
)

from .clock import SHANGHAI
from .disputes import Counts as DisputeCounts
from .disputes import counts as dispute_counts
from .next_deadline import acts_on_expr, is_open_expr

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
    """Each promise due in the window judged by its payments as every screen judges it
    (``domain.promises.promise_status``: what its case paid from the day it was made to its
    due date; all of it: kept, some: partly kept, nothing: broken), counted in SQL."""
    from legalcase.models import Payment

    window = (
        select(
            Promise.amount.label("amount"),
            func.coalesce(func.sum(Payment.amount), 0).label("paid"),
        )
        .outerjoin(
            Payment,
            and_(
                Payment.case_id == Promise.case_id,
                Payment.paid_date >= Promise.made_date,
                Payment.paid_date <= Promise.due_date,
            ),
        )
        .where(
            Promise.due_date >= today - timedelta(days=PROMISE_WINDOW_DAYS),
            Promise.due_date < today,
        )
        .group_by(Promise.id, Promise.amount)
        .subquery()
    )
    kept, partly, broken = session.execute(
        select(
            func.count().filter(window.c.paid >= window.c.amount),
            func.count().filter(window.c.paid > 0, window.c.paid < window.c.amount),
            func.count().filter(window.c.paid <= 0),
        )
    ).one()
    return PromiseOutcomes(kept, partly, broken)


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
    promises: PromiseOutcomes = field(default_factory=PromiseOutcomes)
    disputes: DisputeCounts = field(default_factory=DisputeCounts)  # issue 16

    @property
    def overdue_ratio(self) -> Decimal | None:
        return self.overdue / self.outstanding if self.outstanding else None

    @property
    def recovery_rate(self) -> Decimal | None:
        return self.paid / self.principal if self.principal else None

    @property
    def bad_debt_rate(self) -> Decimal | None:
        return self.written_off / self.principal if self.principal else None


def _plus_days(session: Session, day, n: int):
    """The SQL date ``n`` days after the date expression ``day``."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(day, f"+{n} days")
    return day + literal_column(str(int(n)))


def _shanghai_midnight(session: Session, day, n: int):
    """The instant (as stored: UTC) at which the Shanghai day ``n`` days after ``day`` starts."""
    if session.get_bind().dialect.name == "sqlite":  # naive UTC text; Shanghai is UTC+8
        return func.datetime(day, f"+{n} days", "-8 hours")
    return func.timezone(SHANGHAI.key, cast(_plus_days(session, day, n), DateTime))


def _rate(session: Session, today: date, after_days: int, contact: bool) -> Decimal | None:
    """Of the cases overdue at least ``after_days``, the share that had a contact (Shanghai
    day of ``contacted_at``) or made a promise within ``after_days`` of falling overdue:
    counted in SQL (an index range on the case's contacts or promises per case)."""
    due = Case.oldest_unpaid_due_date
    overdue = and_(due.is_not(None), due <= today - timedelta(days=after_days))
    total = session.scalar(select(func.count(Case.id)).where(overdue))
    if not total:
        return None
    if contact:
        within = select(LedgerEntry.id).where(
            LedgerEntry.case_id == Case.id,
            LedgerEntry.contacted_at >= _shanghai_midnight(session, due, 0),
            LedgerEntry.contacted_at < _shanghai_midnight(session, due, after_days + 1),
        )
    else:
        within = select(Promise.id).where(
            Promise.case_id == Case.id,
            Promise.made_date >= due,
            Promise.made_date <= _plus_days(session, due, after_days),
        )
    met = session.scalar(select(func.count(Case.id)).where(overdue, within.exists()))
    return Decimal(met) / Decimal(total)


def _tier_of(today: date):
    """SQL: the aging tier of a case by its oldest unpaid due date (``domain.aging``)."""
    due = Case.oldest_unpaid_due_date
    whens = []
    for tier, (low, high) in TIER_BOUNDS.items():
        conds = []
        if low is not None:
            conds.append(due <= today - timedelta(days=low))
        if high is not None:
            conds.append(due > today - timedelta(days=high + 1))
        whens.append((and_(due.is_not(None), *conds), tier.value))
    return sa_case(*whens, else_=Tier.CURRENT.value)


def build(session: Session, today: date) -> Dashboard:
    """The managers' figures, summed in SQL over the cases' stored figures: the amount owed
    is each case's ONE amount (``balances.figures_of``: ``Case.outstanding_amount``, under
    its allocation setting or judgment), aged by the case's oldest unpaid due date (as the
    portfolio's aging filter), so the aging adds up to the outstanding total and the per
    owner and per creditor tables."""
    # one pass over the cases: sums by (owner, creditor, stage, aging tier, anything owed)
    tier = _tier_of(today).label("tier")
    positive = (Case.outstanding_amount > ZERO).label("positive")
    groups = session.execute(
        select(
            Case.owner_id,
            Case.creditor_id,
            Case.stage,
            tier,
            positive,
            func.count(Case.id),
            func.sum(Case.principal_amount),
            func.sum(Case.paid_amount),
            func.sum(Case.outstanding_amount),
        ).group_by(Case.owner_id, Case.creditor_id, Case.stage, tier, positive)
    ).all()
    aging: dict[str, Decimal] = {t.value: ZERO for t in TIER_LABELS}
    principal = paid = written_off = overdue = ZERO
    stages: Counter = Counter()
    per = {"owner": {}, "creditor": {}}
    for owner_id, creditor_id, stage, tier_name, is_positive, n, p, pd, owed in groups:
        late = tier_name != Tier.CURRENT.value  # the oldest unpaid due date has passed
        principal += p
        paid += pd
        stages[stage] += n
        if stage == Stage.CLOSED_WRITTEN_OFF.value:
            written_off += owed
        if is_positive:
            aging[tier_name] += owed
            overdue += owed if late else ZERO
        for kind, key in (("owner", owner_id), ("creditor", creditor_id)):
            g = per[kind].setdefault(key, [0, ZERO, ZERO])
            g[0] += n
            g[1] += owed
            g[2] += owed if late else ZERO
    outstanding = sum(aging.values(), ZERO)
    names = {
        "owner": dict(session.execute(select(User.id, User.display_name)).all()),
        "creditor": dict(session.execute(select(Creditor.id, Creditor.name)).all()),
    }

    def table(kind: str) -> list[dict]:
        out = [
            {"name": names[kind].get(key, ""), "cases": n, "outstanding": o, "overdue": d}
            for key, (n, o, d) in per[kind].items()
        ]
        return sorted(out, key=lambda r: (-r["outstanding"], r["name"]))

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
        _promise_outcomes(session, today),
        dispute_counts(session),
    )


def export_rows(session: Session, today: date) -> list[dict]:
    """The rows behind the dashboard, one per case (the export: 报表 -> CSV / XLSX); built
    only when exported, not for the dashboard itself."""
    cases = session.execute(
        select(
            Case.id,
            Case.title,
            Case.stage,
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
    )
    rows = []
    for c in cases:
        days = days_overdue(c.oldest_unpaid_due_date, today)
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
    return rows


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
