"""The alert run reads promises and tasks with a fixed number of SELECTs (issue 15 point 7:
it made one SELECT per promise, 9.2 s at 100,000 cases)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import event

from legalcase.models import Promise
from legalcase.services.alerts import collect
from legalcase.services.clock import today as clock_today
from tests import factories as F


def _statements(session, fn) -> tuple[int, object]:
    engine = session.get_bind()
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen), result


def _promises(session, admin, n: int, start: int) -> None:
    today = clock_today()
    for i in range(start, start + n):
        case = F.case(session, admin, title=f"承诺案{i}")
        session.add(
            Promise(
                case_id=case.id,
                amount=Decimal("100.00"),
                made_date=today - timedelta(days=10),
                due_date=today - timedelta(days=1 + i % 5),
                status="open",
            )
        )
    session.flush()


def test_the_alert_run_does_not_select_once_per_promise(session):
    admin = F.user(session)
    admin.email = "legal@example.cn"
    admin.is_alerts_enabled = True
    _promises(session, admin, 3, 0)
    session.commit()
    session.expire_all()
    few, digests = _statements(session, lambda: collect(session, clock_today()))
    assert sum(len(d.items) for d in digests) == 3
    _promises(session, admin, 30, 3)
    session.commit()
    session.expire_all()  # nothing of the first run in the identity map
    many, digests = _statements(session, lambda: collect(session, clock_today()))
    lines = [i.line for d in digests for i in d.items]
    assert len(lines) == 33 and all("还款承诺已违约：承诺案" in line for line in lines)
    assert many == few
