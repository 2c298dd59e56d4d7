"""A case's recorded facts as the deadline engine's debts, guarantees and events.

Which receivables an event reaches (RULES.md section 2): a part payment reaches the
receivables it is allocated to; a demand or signed statement in the ledger reaches the
receivables it names (none named: all); promises and court events reach all. The engine reads
that from ``Event.debts``; each receivable's limitation and each guarantee are computed from
the events that reach them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.calendar import WorkCalendar
from legalcase.domain.case_deadlines import Debt, Guarantee, KeyedDeadline, derive
from legalcase.domain.deadlines import Claim, Event
from legalcase.domain.values import GUARANTEE_TYPES, ORAL_CHANNELS
from legalcase.models import (
    Contact,
    Contract,
    CourtEvent,
    LedgerEntry,
    LedgerEntryReceivable,
    Party,
    Payment,
    PaymentAllocation,
    Promise,
    Receivable,
)
from legalcase.models.cases import ContractGuarantee

from .clock import SHANGHAI
from .plans import with_plan_dues

# Court event kinds that are a dated engine event of the same name.
DATED_COURT_EVENTS = (
    "proceedings_ended",
    "settlement",
    "enforcement_applied",
    "enforcement_terminated",
)


def court_event_to_event(row) -> Event | None:
    kind = row.kind
    if kind == "filing":
        return Event("proceedings_started", date=row.event_date)
    if kind in DATED_COURT_EVENTS:
        return Event(kind, date=row.event_date)
    if kind in ("judgment", "ruling"):
        return Event(
            "judgment",
            kind=kind,
            served=row.served_date,
            foreign_party=row.is_foreign_party,
            performance_due=row.performance_due,
            effective=row.effective_date,
        )
    if kind == "mediation_confirmed":  # effective on its date, no appeal (domain.court_fields)
        return Event(
            "judgment",
            kind="ruling",
            served=None,
            foreign_party=False,
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
    return None


@dataclass(frozen=True, slots=True)
class _ContractFacts:
    id: int
    number: str
    governing_law: str
    guarantees: list  # rows of the guarantees in force, with ``party_name``


def receivable_key(receivable_id: int) -> str:
    return f"receivable:{receivable_id}"


def _rows_by_case(session: Session, stmt, case_ids) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for row in session.execute(stmt.where(stmt.selected_columns.case_id.in_(case_ids))):
        out[row.case_id].append(row)
    return out


def _keys_by(session: Session, stmt) -> dict[int, frozenset[str]]:
    """(owner id, receivable id) rows -> owner id -> the receivables' debt keys."""
    out: dict[int, set[str]] = defaultdict(set)
    for owner, rid in session.execute(stmt):
        out[owner].add(receivable_key(rid))
    return {k: frozenset(v) for k, v in out.items()}


def load_facts(session: Session, case_ids: list[int]) -> tuple[dict[int, list], ...]:
    """Per case: open receivables, contracts, payments, ledger entries with a legal effect,
    promises and court events; payments and ledger rows carry ``debts`` (None: all)."""
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
    receivables = with_plan_dues(session, receivables, case_ids)  # repayment plans
    contracts = _rows_by_case(
        session,
        select(Contract.id, Contract.case_id, Contract.number, Contract.governing_law),
        case_ids,
    )
    guarantees = _rows_by_case(
        session,
        select(
            ContractGuarantee.id,
            ContractGuarantee.case_id,
            ContractGuarantee.contract_id,
            ContractGuarantee.party_id,
            ContractGuarantee.guarantee_type,
            ContractGuarantee.period_end,
            Party.name.label("party_name"),
        )
        .join(Party, Party.id == ContractGuarantee.party_id)
        .where(ContractGuarantee.ended_at.is_(None))
        .order_by(ContractGuarantee.id),
        case_ids,
    )
    contracts = {  # each contract with the guarantees in force on it
        cid: [
            _ContractFacts(
                c.id,
                c.number,
                c.governing_law,
                [g for g in guarantees.get(cid, ()) if g.contract_id == c.id],
            )
            for c in rows
        ]
        for cid, rows in contracts.items()
    }
    allocated = _keys_by(
        session,
        select(PaymentAllocation.payment_id, PaymentAllocation.receivable_id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(Payment.case_id.in_(case_ids)),
    )
    payments = {
        cid: [(p, allocated.get(p.id)) for p in rows]
        for cid, rows in _rows_by_case(
            session, select(Payment.id, Payment.case_id, Payment.paid_date), case_ids
        ).items()
    }
    named = _keys_by(
        session,
        select(LedgerEntryReceivable.ledger_entry_id, LedgerEntryReceivable.receivable_id)
        .join(LedgerEntry, LedgerEntry.id == LedgerEntryReceivable.ledger_entry_id)
        .where(LedgerEntry.case_id.in_(case_ids), LedgerEntry.legal_effect != "none"),
    )
    ledger = {
        cid: [(e, named.get(e.id)) for e in rows]
        for cid, rows in _rows_by_case(
            session,
            select(
                LedgerEntry.id,
                LedgerEntry.case_id,
                LedgerEntry.legal_effect,
                LedgerEntry.addressee,
                LedgerEntry.arrival_date,
                LedgerEntry.contacted_at,
                LedgerEntry.channel,
                Contact.party_id.label("contact_party_id"),  # which guarantor a demand reached
            )
            .outerjoin(Contact, Contact.id == LedgerEntry.contact_id)
            .where(LedgerEntry.legal_effect != "none"),
            case_ids,
        ).items()
    }
    promises = _rows_by_case(
        session, select(Promise.id, Promise.case_id, Promise.made_date), case_ids
    )
    court = _rows_by_case(session, select(CourtEvent.__table__), case_ids)
    return receivables, contracts, payments, ledger, promises, court


def case_inputs(receivables, contracts, payments, ledger, promises, court):
    """One case's fact rows as the engine's debts, guarantees (with the receivable keys each
    covers) and keyed events. ``payments`` and ``ledger`` are (row, debts) pairs."""
    by_contract = {c.id: c for c in contracts}
    debts = []
    earliest: dict[int, date] = {}
    covered: dict[int, set[str]] = defaultdict(set)
    for r in sorted(receivables, key=lambda r: (r.due_date, r.id)):
        contract = by_contract.get(r.contract_id)
        key = receivable_key(r.id)
        law = contract.governing_law if contract else "CN"
        due = getattr(r, "limitation_due", r.due_date)  # under a repayment plan (services.plans)
        debts.append(Debt(key, f"发票{r.invoice_no}{getattr(r, 'plan_note', '')}", due, law))
        if r.contract_id is not None:
            earliest.setdefault(r.contract_id, r.due_date)
            covered[r.contract_id].add(key)
    guarantees = [
        Guarantee(
            f"guarantee:{g.id}",
            f"合同{c.number}，保证人{g.party_name}（{GUARANTEE_TYPES.get(g.guarantee_type)}）",
            g.guarantee_type,
            g.period_end,
            earliest[c.id],
            c.governing_law,
            g.party_id,
        )
        for c in contracts
        if c.id in earliest
        for g in c.guarantees
        if g.guarantee_type in ("joint", "general")
    ]
    covers = {
        f"guarantee:{g.id}": frozenset(covered[c.id])
        for c in contracts
        if c.id in covered
        for g in c.guarantees
    }
    events: list[tuple[str, Event]] = []
    for p, reach in payments:
        events.append((f"payment:{p.id}", Event("part_payment", date=p.paid_date, debts=reach)))
    for p in promises:
        events.append((f"promise:{p.id}", Event("acknowledgment", date=p.made_date)))
    for e, reach in ledger:
        made = e.contacted_at.astimezone(SHANGHAI).date()
        if e.legal_effect == "acknowledgment":
            events.append((f"ledger:{e.id}", Event("acknowledgment", date=made, debts=reach)))
        elif e.legal_effect == "demand":
            arrived = e.arrival_date or (made if e.channel in ORAL_CHANNELS else None)
            if arrived is not None:  # a letter counts only once it is known to have arrived
                whom = e.contact_party_id if e.addressee == "guarantor" else None
                event = Event("demand", date=arrived, party=e.addressee, debts=reach, party_id=whom)
                events.append((f"ledger:{e.id}", event))
    for c in sorted(court, key=lambda c: c.id):
        event = court_event_to_event(c)
        if event is not None:
            events.append((f"court_event:{c.id}", event))
    return debts, guarantees, covers, events


def _reaching(events: Iterable[tuple[str, Event]], claim: Claim) -> list[tuple[str, Event]]:
    return [(k, e) for k, e in events if e.reaches(claim)]


def derive_case(
    debts: list[Debt],
    guarantees: list[Guarantee],
    covers: dict[str, frozenset[str]],
    events: list[tuple[str, Event]],
    today: date,
    cal: WorkCalendar,
) -> list[KeyedDeadline]:
    """The case's deadlines; each receivable and guarantee sees only the events reaching it."""
    if all(e.debts is None for _, e in events):
        return derive(debts, guarantees, events, today, cal)
    out: list[KeyedDeadline] = []
    for debt in debts:
        claim = Claim(debt.jurisdiction, debt.due_date, debt_keys=frozenset({debt.key}))
        found = derive([debt], [], _reaching(events, claim), today, cal)
        out.extend(kd for kd in found if kd.source_key == debt.key)
    for g in guarantees:
        claim = Claim(g.jurisdiction, g.due_date, debt_keys=covers.get(g.key))
        found = derive([], [g], _reaching(events, claim), today, cal)
        out.extend(kd for kd in found if kd.source_key == g.key)
    # the deadlines of judgments and preservations read every event of the case
    own = {d.key for d in debts}
    out.extend(kd for kd in derive(debts[:1], [], events, today, cal) if kd.source_key not in own)
    return out
