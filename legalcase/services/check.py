"""Reconciliation: every stored derived figure against its source (``legalcase check``).

The figures the services keep for speed (receivables' and cases' paid and outstanding
amounts, principal, oldest unpaid due date, next deadline, promise statuses) are computed
afresh from their sources by the same functions the services store them with, and every
difference is reported; ``fix`` stores the expected figures under the cases' locks, with an
audit row (case, before, after) for each row it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.models import Case

from .audit import set_actor
from .balances import Difference, balance_differences, chunks, write_differences
from .deadlines import refresh_cases
from .next_deadline import deadline_differences
from .promises import promise_differences
from .uow import lock_cases

_ORDER = {"receivables": 0, "cases": 1, "promises": 2}


def differences(
    session: Session, case_ids: Sequence[int] | None = None, today: date | None = None
) -> list[Difference]:
    """Every stored figure of ``case_ids`` (None: all cases) that is not what its source gives."""
    found = (
        balance_differences(session, case_ids)
        + deadline_differences(session, case_ids)
        + promise_differences(session, case_ids, today)
    )
    return sorted(found, key=lambda d: (d.case_id, _ORDER[d.entity], d.entity_id, d.field))


def fix(
    session: Session,
    case_ids: Sequence[int] | None = None,
    today: date | None = None,
    actor_id: int | None = None,
) -> list[Difference]:
    """Store the expected figures, in the caller's unit of work; returns what was corrected.

    The cases with differences are locked, then compared again (a writer may have changed
    them meanwhile) and corrected; cases whose receivables' paid amounts were wrong get
    their deadlines recomputed too, as after any payment.
    """
    ids = sorted({d.case_id for d in differences(session, case_ids, today)})
    if not ids:
        return []
    for chunk in chunks(ids):  # ascending chunks keep the one lock order
        lock_cases(session, chunk)
    found = differences(session, ids, today)
    set_actor(session, actor_id)
    write_differences(session, found, actor_id)
    paid_changed = sorted({d.case_id for d in found if d.entity == "receivables"})
    for chunk in chunks(paid_changed):
        refresh_cases(session, chunk, today)
    session.flush()
    return found


def case_titles(session: Session, case_ids: Sequence[int]) -> dict[int, str]:
    out = {}
    for chunk in chunks(case_ids):
        out.update(session.execute(select(Case.id, Case.title).where(Case.id.in_(chunk))).all())
    return out
