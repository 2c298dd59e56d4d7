"""Derive, store and refresh each case's deadlines from its recorded facts.

Called by every service that changes a fact (receivables, payments, ledger entries, court
events, contracts) before it commits, so deadlines change in the same transaction. Works on
many cases at once for the nightly refresh (``legalcase deadlines refresh``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from legalcase.domain.calendar import WorkCalendar, china_calendar
from legalcase.domain.errors import DomainError, NotFound
from legalcase.models import Case, CaseDeadline, User
from legalcase.models.base import utcnow

from .balances import _expire
from .clock import today as clock_today
from .common import begin_case_write
from .deadline_facts import case_inputs, derive_case, load_facts
from .next_deadline import store_next_deadlines
from .uow import lock_cases

FIELDS = ("due_date", "unadjusted_date", "is_provisional", "status", "basis", "is_defence_waived")


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
    receivables, contracts, payments, ledger, promises, court = load_facts(session, ids)
    existing: dict[tuple[int, str, str], object] = {
        (row.case_id, row.kind, row.source_key): row
        for row in session.execute(
            select(CaseDeadline.__table__).where(CaseDeadline.case_id.in_(ids))
        )
    }
    inserts, updates, seen = [], [], set()
    for case_id in ids:
        debts, guarantees, covers, events = case_inputs(
            receivables.get(case_id, ()),
            contracts.get(case_id, ()),
            payments.get(case_id, ()),
            ledger.get(case_id, ()),
            promises.get(case_id, ()),
            court.get(case_id, ()),
        )
        for kd in derive_case(debts, guarantees, covers, events, today, cal):
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
        # deadlines already loaded in this session are read again, not shown stale
        _expire(session, {("case_deadlines", u["row_id"]) for u in updates})
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
