"""Derive, store and refresh each case's deadlines from its recorded facts.

Called by every service that changes a fact (receivables, payments, ledger entries, court
events, contracts) before it commits, so deadlines change in the same transaction. Works on
many cases at once for the nightly refresh (``legalcase deadlines refresh``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from legalcase.domain.calendar import WorkCalendar, china_calendar
from legalcase.domain.case_deadlines import Debt, Guarantee, derive
from legalcase.domain.deadlines import Event
from legalcase.domain.errors import DomainError, NotFound
from legalcase.domain.values import ORAL_CHANNELS
from legalcase.models import (
    Case,
    CaseDeadline,
    Contract,
    CourtEvent,
    LedgerEntry,
    Payment,
    Promise,
    Receivable,
    User,
)
from legalcase.models.base import utcnow

from .clock import SHANGHAI
from .clock import today as clock_today
from .common import begin_case_write
from .next_deadline import store_next_deadlines
from .uow import lock_cases

FIELDS = ("due_date", "unadjusted_date", "is_provisional", "status", "basis", "is_defence_waived")


def court_event_to_event(row) -> Event | None:
    kind = row.kind
    if kind == "filing":
        return Event("proceedings_started", date=row.event_date)
    if kind == "proceedings_ended":
        return Event("proceedings_ended", date=row.event_date)
    if kind in ("judgment", "ruling"):
        return Event(
            "judgment",
            kind=kind,
            served=row.served_date,
            foreign_party=row.is_foreign_party,
            performance_due=row.performance_due,
            effective=row.effective_date,
        )
    if kind == "preservation":
        return Event(
            "preservation",
            date=row.event_date,
            pre_suit=row.is_pre_suit,
            asset=row.asset_kind or "bank_deposit",
            expires=row.expires_date,
        )
    if kind == "settlement":
        return Event("settlement", date=row.event_date)
    return None


def _rows_by_case(session: Session, stmt, case_ids) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in session.execute(stmt.where(stmt.selected_columns.case_id.in_(case_ids))):
        out[row.case_id].append(row)
    return out


def _facts(session: Session, case_ids: list[int]):
    r_cols = (
        Receivable.id,
        Receivable.case_id,
        Receivable.invoice_no,
        Receivable.due_date,
        Receivable.contract_id,
    )
    receivables = _rows_by_case(
        session, select(*r_cols).where(Receivable.amount > Receivable.paid_amount), case_ids
    )
    contracts = _rows_by_case(
        session,
        select(
            Contract.id,
            Contract.case_id,
            Contract.number,
            Contract.governing_law,
            Contract.guarantee_type,
            Contract.guarantee_period_end,
        ),
        case_ids,
    )
    payments = _rows_by_case(
        session, select(Payment.id, Payment.case_id, Payment.paid_date), case_ids
    )
    ledger = _rows_by_case(
        session,
        select(
            LedgerEntry.id,
            LedgerEntry.case_id,
            LedgerEntry.legal_effect,
            LedgerEntry.addressee,
            LedgerEntry.arrival_date,
            LedgerEntry.contacted_at,
            LedgerEntry.channel,
        ).where(LedgerEntry.legal_effect != "none"),
        case_ids,
    )
    promises = _rows_by_case(
        session, select(Promise.id, Promise.case_id, Promise.made_date), case_ids
    )
    court = _rows_by_case(session, select(CourtEvent.__table__), case_ids)
    return receivables, contracts, payments, ledger, promises, court


def case_inputs(receivables, contracts, payments, ledger, promises, court):
    """Turn one case's fact rows into the engine's debts, guarantees and keyed events."""
    by_contract = {c.id: c for c in contracts}
    debts = []
    earliest: dict[int, date] = {}
    for r in sorted(receivables, key=lambda r: (r.due_date, r.id)):
        contract = by_contract.get(r.contract_id)
        debts.append(
            Debt(
                f"receivable:{r.id}",
                f"发票{r.invoice_no}",
                r.due_date,
                contract.governing_law if contract else "CN",
            )
        )
        if r.contract_id is not None and r.contract_id not in earliest:
            earliest[r.contract_id] = r.due_date
    guarantees = [
        Guarantee(
            f"contract:{c.id}",
            f"合同{c.number}的保证",
            c.guarantee_type,
            c.guarantee_period_end,
            earliest[c.id],
            c.governing_law,
        )
        for c in contracts
        if c.guarantee_type in ("joint", "general") and c.id in earliest
    ]
    events: list[tuple[str, Event]] = []
    for p in payments:
        events.append((f"payment:{p.id}", Event("part_payment", date=p.paid_date)))
    for p in promises:
        events.append((f"promise:{p.id}", Event("acknowledgment", date=p.made_date)))
    for e in ledger:
        made = e.contacted_at.astimezone(SHANGHAI).date()
        if e.legal_effect == "acknowledgment":
            events.append((f"ledger:{e.id}", Event("acknowledgment", date=made)))
        elif e.legal_effect == "demand":
            arrived = e.arrival_date or (made if e.channel in ORAL_CHANNELS else None)
            if arrived is not None:  # a letter counts only once it is known to have arrived
                events.append((f"ledger:{e.id}", Event("demand", date=arrived, party=e.addressee)))
    for c in sorted(court, key=lambda c: c.id):
        event = court_event_to_event(c)
        if event is not None:
            events.append((f"court_event:{c.id}", event))
    return debts, guarantees, events


def refresh_cases(
    session: Session,
    case_ids: Iterable[int],
    today: date | None = None,
    cal: WorkCalendar | None = None,
) -> int:
    """Recompute and store the deadlines of ``case_ids``; the caller commits. Returns rows changed."""
    ids = list(case_ids)
    if not ids:
        return 0
    today = today or clock_today()
    cal = cal or china_calendar()
    now = utcnow()
    receivables, contracts, payments, ledger, promises, court = _facts(session, ids)
    existing: dict[tuple[int, str, str], object] = {
        (row.case_id, row.kind, row.source_key): row
        for row in session.execute(
            select(CaseDeadline.__table__).where(CaseDeadline.case_id.in_(ids))
        )
    }
    inserts, updates, seen = [], [], set()
    for case_id in ids:
        debts, guarantees, events = case_inputs(
            receivables.get(case_id, ()),
            contracts.get(case_id, ()),
            payments.get(case_id, ()),
            ledger.get(case_id, ()),
            promises.get(case_id, ()),
            court.get(case_id, ()),
        )
        for kd in derive(debts, guarantees, events, today, cal):
            d = kd.deadline
            key = (case_id, d.kind, kd.source_key)
            seen.add(key)
            values = {
                "due_date": d.date,
                "unadjusted_date": d.unadjusted_date,
                "is_provisional": d.provisional,
                "status": d.status,
                "basis": d.basis,
                "is_defence_waived": bool(d.defence_waived),
            }
            old = existing.get(key)
            if old is None:
                inserts.append(
                    {
                        "case_id": case_id,
                        "kind": d.kind,
                        "source_key": kd.source_key,
                        "is_active": True,
                        "is_handled": False,
                        "computed_at": now,
                        **values,
                    }
                )
            elif not old.is_active or any(getattr(old, f) != values[f] for f in FIELDS):
                updates.append({"row_id": old.id, "is_active": True, "computed_at": now, **values})
    for key, old in existing.items():
        if key not in seen and old.is_active:
            updates.append(
                {
                    "row_id": old.id,
                    "is_active": False,
                    "computed_at": now,
                    **{f: getattr(old, f) for f in FIELDS},
                }
            )
    conn = session.connection()
    table = CaseDeadline.__table__
    if inserts:
        conn.execute(insert(table), inserts)
    if updates:
        conn.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                is_active=bindparam("is_active"),
                computed_at=bindparam("computed_at"),
                **{f: bindparam(f) for f in FIELDS},
            ),
            updates,
        )
    store_next_deadlines(session, ids)
    return len(inserts) + len(updates)


def refresh_case(session: Session, case: Case, today: date | None = None) -> None:
    """Bring one case's deadlines in line with its facts, inside the caller's transaction."""
    session.flush()
    refresh_cases(session, [case.id], today)


def refresh_all(
    session: Session,
    today: date | None = None,
    batch: int = 500,
    checkpoint: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Recompute every case (after an LPR or calendar update, and nightly).

    Each batch locks its cases first, so a payment recorded meanwhile is never overwritten
    by deadlines computed before it; ``checkpoint`` (the caller's commit) ends each batch.
    """
    ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    changed = 0
    for i in range(0, len(ids), batch):
        chunk = ids[i : i + batch]
        lock_cases(session, chunk)
        changed += refresh_cases(session, chunk, today)
        if checkpoint is not None:
            checkpoint()
    return len(ids), changed


def mark_handled(session: Session, actor: User, deadline_id: int, note: str) -> CaseDeadline:
    row = session.get(CaseDeadline, deadline_id)
    if row is None:
        raise NotFound("期限")
    case = session.get(Case, row.case_id)
    begin_case_write(session, actor, case)
    if not note or not note.strip():
        raise DomainError("note_required", "请说明如何处理了这个期限", {"note": "请填写处理说明"})
    row.is_handled = True
    row.handled_note = note.strip()
    row.handled_by_id = actor.id
    row.handled_at = utcnow()
    session.flush()
    refresh_cases(session, [case.id])
    session.flush()
    return row


def upcoming_for_case(session: Session, case_id: int) -> list[CaseDeadline]:
    return list(
        session.scalars(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == case_id)
            .order_by(
                CaseDeadline.is_active.desc(),
                CaseDeadline.due_date.asc().nulls_last(),
                CaseDeadline.id,
            )
        )
    )
