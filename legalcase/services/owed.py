"""A case's one amount owed, read from the database (RULES.md section 6).

Every figure of what a case owes comes from ``domain.owed.owing`` under the case's allocation
setting: the claim (``claims.claim_for_case``: principal, interest, lines), the figures stored
for speed (``balances``: the case's principal, paid, outstanding and oldest unpaid due date,
which the header, the portfolio, its filters and the exports read), the statement of account,
letters and filings (``documents.context``) and the API. ``case_owing`` reads one case;
``stored_principal`` many at once (the importer and ``legalcase check``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.interest import Rate
from legalcase.domain.money import ZERO
from legalcase.domain.owed import Debt, Owing, Paid, Waived, owing
from legalcase.domain.values import Allocation, WaiverStatus
from legalcase.models import Case, Contract, Receivable, User
from legalcase.models import Payment as PaymentRow
from legalcase.models.waivers import Waiver

from .clock import SHANGHAI
from .lpr import lpr_table

# Without an agreed rate: one-year LPR + 50%, the top of the range courts allow in sales
# (SPC sales interpretation 2020 Art. 18); the lawyer may lower it in the calculator.
DEFAULT_RATE = Rate("lpr_markup", Decimal("0.5"))


def rate_of(late_fee_type: str | None, late_fee_rate: Decimal | None) -> Rate:
    """The late-payment rate a contract's terms set (the default without an agreed rate)."""
    if late_fee_rate is not None:
        if late_fee_type == "daily_rate":
            return Rate("daily", late_fee_rate)
        if late_fee_type == "annual_rate":
            return Rate("annual", late_fee_rate)
    return DEFAULT_RATE


def contract_rate(contract: Contract | None) -> Rate:
    if contract is None:
        return DEFAULT_RATE
    return rate_of(contract.late_fee_type, contract.late_fee_rate)


def debts_of(receivables: Iterable[Receivable]) -> list[Debt]:
    return [
        Debt(
            r.id,
            r.invoice_no,
            r.amount,
            r.due_date,
            contract_rate(r.contract),
            r.paid_before_import or ZERO,
        )
        for r in receivables
    ]


def paid_of(payments: Iterable[PaymentRow]) -> list[Paid]:
    return [
        Paid(p.paid_date, p.amount, tuple((a.receivable_id, a.amount) for a in p.allocations))
        for p in sorted(payments, key=lambda p: (p.paid_date, p.id or 0))
    ]


def case_owing(
    session: Session,
    case: Case,
    as_of: date | None = None,
    receivables: list[Receivable] | None = None,
    payments: list[PaymentRow] | None = None,
    with_waivers: bool = True,
    waived: list[Waived] | None = None,
) -> Owing:
    """What ``case`` owes under its allocation setting; with ``as_of`` also the interest to
    that day, itemised, less the approved waivers (``with_waivers=False``: before them, the
    base of a waiver's limit). ``receivables``/``payments``/``waived``: what the caller has
    loaded (``waived``: its approved waivers, see ``waived_of``).

    Raises ``ValidationFailed`` when a rate cannot be fixed (a default before the LPR existed
    and no agreed rate) and interest is asked for or the case's setting is ``statutory``.
    """
    if receivables is None:
        receivables = list(
            session.scalars(
                select(Receivable)
                .where(Receivable.case_id == case.id)
                .options(selectinload(Receivable.contract))
            )
        )
    if payments is None:
        payments = list(
            session.scalars(
                select(PaymentRow)
                .where(PaymentRow.case_id == case.id)
                .options(selectinload(PaymentRow.allocations))
            )
        )
    allocation = case.allocation or Allocation.BOOKED
    needs_lpr = as_of is not None or allocation == Allocation.STATUTORY
    lpr = lpr_table(session) if needs_lpr else None
    if not with_waivers or as_of is None:
        waived = []
    elif waived is None:
        waived = approved_waivers(session, case.id)
    return owing(debts_of(receivables), paid_of(payments), allocation, as_of, lpr, waived)


def approved_waivers(session: Session, case_id: int) -> list[Waived]:
    """The case's approved waivers (services.waivers), as the claim takes them off."""
    rows = session.execute(
        select(Waiver.id, Waiver.kind, Waiver.amount, Waiver.decided_at, User.display_name)
        .join(User, User.id == Waiver.decided_by_id)
        .where(Waiver.case_id == case_id, Waiver.status == WaiverStatus.APPROVED.value)
        .order_by(Waiver.decided_at, Waiver.id)
    )
    return [
        Waived(wid, kind, amount, at.astimezone(SHANGHAI).date(), who)
        for wid, kind, amount, at, who in rows
    ]


def waived_of(waivers: Iterable[Waiver]) -> list[Waived]:
    """``approved_waivers`` from the case's waivers the caller has loaded (with decided_by)."""
    approved = sorted(
        (
            w
            for w in waivers
            if w.status == WaiverStatus.APPROVED.value and w.decided_by_id is not None
        ),
        key=lambda w: (w.decided_at, w.id),
    )
    return [
        Waived(
            w.id,
            w.kind,
            w.amount,
            w.decided_at.astimezone(SHANGHAI).date(),
            w.decided_by.display_name,
        )
        for w in approved
    ]


# ---- many cases at once (stored figures and their check) ---------------------------


def allocation_labels(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    """Case id -> how its payments are applied, in words (exports show it by the amount)."""
    out: dict[int, str] = {}
    ids = sorted(set(case_ids))
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(Case.id, Case.allocation).where(Case.id.in_(ids[i : i + 500]))
        )
        out.update((cid, Allocation(a or Allocation.BOOKED).label) for cid, a in rows)
    return out


def statutory_case_ids(session: Session) -> list[int]:
    """The cases whose stored figures depend on the LPR table and the contracts' rates."""
    stmt = select(Case.id).where(Case.allocation == Allocation.STATUTORY.value)
    return list(session.scalars(stmt.order_by(Case.id)))


def stored_principal(
    session: Session, booked: dict[int, list[tuple[int, Decimal, Decimal]]]
) -> dict[int, Decimal]:
    """Receivable id -> the principal left of it under its case's setting, for the cases of
    ``booked`` (case id -> (receivable id, amount, booked paid: allocations + paid before
    import) of each of its receivables).

    A ``statutory`` case whose rates cannot be fixed (see ``case_owing``) keeps its booked
    figures: its claim refuses with the reason, and the stored figures stay defined.
    """
    out: dict[int, Decimal] = {}
    ids = sorted(booked)
    statutory = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        statutory.update(
            session.scalars(
                select(Case.id).where(
                    Case.id.in_(chunk), Case.allocation == Allocation.STATUTORY.value
                )
            )
        )
    for case_id, items in booked.items():
        if case_id in statutory:
            continue
        debts = [
            Debt(rid, str(rid), amount, date.min, DEFAULT_RATE, paid) for rid, amount, paid in items
        ]
        out.update(owing(debts, [], Allocation.BOOKED).principal)
    if statutory:
        lpr = lpr_table(session)
        debts, paid = _statutory_inputs(session, sorted(statutory))
        for case_id in sorted(statutory):
            try:
                found = owing(debts[case_id], paid[case_id], Allocation.STATUTORY, None, lpr)
                out.update(found.principal)
            except ValidationFailed:
                out.update({rid: amount - p for rid, amount, p in booked[case_id]})
    return out


def _statutory_inputs(
    session: Session, case_ids: Sequence[int]
) -> tuple[dict[int, list[Debt]], dict[int, list[Paid]]]:
    debts: dict[int, list[Debt]] = defaultdict(list)
    paid: dict[int, list[Paid]] = defaultdict(list)
    r, c, p = Receivable, Contract, PaymentRow
    for i in range(0, len(case_ids), 500):
        chunk = case_ids[i : i + 500]
        rows = session.execute(
            select(
                r.id,
                r.case_id,
                r.invoice_no,
                r.amount,
                r.due_date,
                r.paid_before_import,
                c.late_fee_type,
                c.late_fee_rate,
            )  # fmt: skip
            .outerjoin(c, c.id == r.contract_id)
            .where(r.case_id.in_(chunk))
        )
        for rid, cid, ref, amount, due, before, fee_type, fee_rate in rows:
            debts[cid].append(
                Debt(rid, ref, amount, due, rate_of(fee_type, fee_rate), before or ZERO)
            )
        for cid, day, amount in session.execute(
            select(p.case_id, p.paid_date, p.amount)
            .where(p.case_id.in_(chunk))
            .order_by(p.paid_date, p.id)
        ):
            paid[cid].append(Paid(day, amount))
    return debts, paid
