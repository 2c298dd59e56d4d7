"""The managers' dashboard summed in SQL (issue 15 point 7): its totals are the sums of each
case's ONE amount owed (``balances.figures_of``), and the rates count the same days."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from legalcase.demo.load import load_demo
from legalcase.domain.aging import days_overdue, tier_for
from legalcase.models import Case
from legalcase.services import dashboard, ledger
from legalcase.services.balances import _receivables, figures_of
from legalcase.services.clock import today as clock_today
from tests import factories as F

ZERO = Decimal("0.00")


def test_dashboard_totals_are_the_sums_of_the_per_case_figures(session):
    load_demo(session, "demo-pass-123")
    session.commit()
    today = clock_today()
    by_case = defaultdict(list)
    for o, _, _ in _receivables(session, None):
        by_case[o.case_id].append(o)
    rows = session.execute(select(Case.id, Case.stage, Case.owner_id)).all()
    for cid, *_ in rows:
        by_case.setdefault(cid, [])
    figures = figures_of(session, by_case)
    aging = defaultdict(lambda: ZERO)
    outstanding = overdue = principal = paid = ZERO
    per_owner = defaultdict(lambda: ZERO)
    for cid, _stage, owner_id in rows:
        f = figures[cid]
        principal += f.principal_amount
        paid += f.paid_amount
        per_owner[owner_id] += f.outstanding_amount
        if f.outstanding_amount > ZERO:
            days = days_overdue(f.oldest_unpaid_due_date, today)
            aging[tier_for(days).value] += f.outstanding_amount
            outstanding += f.outstanding_amount
            overdue += f.outstanding_amount if days > 0 else ZERO
    d = dashboard.build(session, today)
    assert d.outstanding == outstanding and d.overdue == overdue
    assert {k: v for k, v in d.aging.items() if v} == {k: v for k, v in aging.items() if v}
    assert d.principal == principal and d.paid == paid
    assert sum((r["outstanding"] for r in d.per_owner), ZERO) == sum(per_owner.values(), ZERO)
    assert sum((r["outstanding"] for r in d.per_creditor), ZERO) == d.outstanding
    assert sum(r["cases"] for r in d.per_owner) == len(rows) == sum(d.stages.values())
    # the booked figures of the receivables are NOT the amount owed under statutory allocation
    # and judgments in the demo: the dashboard follows the one amount, not them
    booked = sum((o.outstanding for items in by_case.values() for o in items), ZERO)
    assert booked != d.outstanding
    # the export has one row per case with the same amounts
    rows_out = dashboard.export_rows(session, today)
    assert sum((r["欠款"] for r in rows_out), ZERO) == sum(
        (f.outstanding_amount for f in figures.values()), ZERO
    )


def _contact(session, actor, case, at: datetime):
    ledger.record_contact(
        session,
        actor,
        case,
        {"contacted_at": at, "channel": "call", "summary": "x", "outcome": "reached"},
    )


def test_contact_rate_counts_shanghai_days_at_both_ends(session):
    admin = F.user(session)
    now = clock_today()
    due = now - timedelta(days=45)
    midnight = datetime.combine(due, datetime.min.time(), tzinfo=UTC) - timedelta(hours=8)
    cases = []
    for n, at in enumerate(
        [
            midnight + timedelta(minutes=30),  # 00:30 in Shanghai on the due date: counts
            midnight - timedelta(minutes=30),  # 23:30 the day before: does not
            midnight + timedelta(days=31) - timedelta(minutes=30),  # 30 days later 23:30: counts
            midnight + timedelta(days=31) + timedelta(minutes=30),  # day 31, 00:30: does not
        ]
    ):
        c = F.case(session, admin, title=f"案{n}")
        F.receivable(session, admin, c, f"R{n}", "100", due - timedelta(days=30), due)
        _contact(session, admin, c, at)
        cases.append(c)
    session.flush()
    d = dashboard.build(session, now)
    assert d.contact_rate == Decimal(2) / Decimal(4)
