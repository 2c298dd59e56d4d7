"""Partly kept promises (issue 12 point 6): some but not all of the promised amount paid by
the promised date is its own status, shown on the case page and counted on its own in the
promise-kept KPI of the reports dashboard (not as kept, not as broken)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from legalcase.models import Promise
from legalcase.services import check, dashboard, ledger, receivables
from legalcase.services.clock import SHANGHAI
from legalcase.services.clock import today as clock_today
from legalcase.services.promises import refresh_promises
from tests import factories as F
from tests.web.test_pages import login


def _promise(session, actor, case, amount: str, made, due) -> Promise:
    at = datetime.combine(made, time(10), SHANGHAI).astimezone(UTC)
    entry = ledger.record_contact(
        session,
        actor,
        case,
        {
            "contacted_at": at,
            "channel": "call",
            "summary": "债务人承诺付款",
            "outcome": "promised",
            "promise_amount": Decimal(amount),
            "promise_due_date": due,
        },
        now=at + timedelta(hours=1),
    )
    session.commit()
    return entry.promises[0]


def _pay(session, actor, case, amount: str, day) -> None:
    receivables.record_payment(
        session, actor, case, {"paid_date": day, "amount": Decimal(amount)}, today=day
    )
    session.commit()


def test_a_promise_of_10000_with_4000_paid_by_its_date_is_partly_kept(client, session):
    today = clock_today()
    made, due = today - timedelta(days=20), today - timedelta(days=10)
    admin = F.user(session)
    creditor = F.creditor(session)
    partly = F.case(session, admin, cred=creditor, title="部分兑现案件")
    F.receivable(session, admin, partly, "P-1", "20000.00", made - timedelta(days=200), made)
    promise = _promise(session, admin, partly, "10000", made, due)
    _pay(session, admin, partly, "4000", made + timedelta(days=5))
    assert promise.status == "open"  # its date has not passed on the day of the payment

    # before the nightly sweep the case page already shows it partly kept
    login(client, admin)
    page = client.get(f"/cases/{partly.id}?tab=ledger").data.decode()
    assert "部分兑现" in page and "已违约" not in page

    assert refresh_promises(session, today=today) == 1
    session.commit()
    session.refresh(promise)
    assert promise.status == "partial"
    assert check.differences(session, today=today) == []
    page = client.get(f"/cases/{partly.id}?tab=ledger").data.decode()
    row = page[page.index('id="promises"') :]
    row = row[: row.index("</table>")]
    assert "table-warning" in row and "部分兑现" in row and "¥10,000.00" in row

    # a kept and a broken promise due in the same window, on two other cases
    kept = F.case(session, admin, cred=creditor, title="兑现案件")
    F.receivable(session, admin, kept, "K-1", "5000.00", made - timedelta(days=200), made)
    _promise(session, admin, kept, "1000", made, due)
    _pay(session, admin, kept, "1000", due)
    broken = F.case(session, admin, cred=creditor, title="违约案件")
    F.receivable(session, admin, broken, "B-1", "5000.00", made - timedelta(days=200), made)
    _promise(session, admin, broken, "500", made, due)
    refresh_promises(session, today=today)
    session.commit()
    statuses = sorted(session.scalars(select(Promise.status)))
    assert statuses == ["broken", "kept", "partial"]

    # the KPI counts partly kept on its own: 1 of 3 kept in full, 1 partly, 1 broken
    outcomes = dashboard.build(session, today).promises
    assert (outcomes.kept, outcomes.partly_kept, outcomes.broken) == (1, 1, 1)
    assert outcomes.kept_rate == outcomes.partly_kept_rate == Decimal(1) / Decimal(3)
    html = client.get("/reports").data.decode()
    kpi = html[html.index('id="promise-kept-rate"') :]
    assert kpi.startswith('id="promise-kept-rate">33.3%<')
    assert "兑现 1 · 部分兑现 1（33.3%）· 违约 1" in kpi


def test_the_api_lists_a_partly_kept_promise_as_partial(session):
    today = clock_today()
    admin = F.user(session)
    case = F.case(session, admin)
    F.receivable(session, admin, case, "A-1", "20000.00", today - timedelta(days=300), today)
    promise = _promise(
        session, admin, case, "10000", today - timedelta(days=9), today - timedelta(days=2)
    )
    _pay(session, admin, case, "4000", today - timedelta(days=3))
    from legalcase.schemas.ledger import PromiseOut

    # not yet swept: shown partly kept all the same
    assert promise.status == "open"
    assert PromiseOut().dump(promise)["status"] == "partial"


def test_a_partly_kept_promise_is_followed_up_like_a_broken_one(client, session):
    from legalcase.models import Task
    from legalcase.services.ladder import run_ladder

    today = clock_today()
    made, due = today - timedelta(days=6), today - timedelta(days=2)
    owner = F.user(session, "collector")
    case = F.case(session, owner, owner=owner, title="部分兑现跟进案件")
    F.receivable(session, owner, case, "F-1", "20000.00", today - timedelta(days=60), today)
    promise = _promise(session, owner, case, "10000", made, due)
    _pay(session, owner, case, "4000", made + timedelta(days=1))
    refresh_promises(session, today=today)
    session.commit()
    assert session.get(Promise, promise.id).status == "partial"
    # the worklist lists it with the broken ones, saying it was partly kept
    login(client, owner)
    html = client.get("/").data.decode()
    card = html[html.index('id="promises-broken"') :]
    card = card[: card.index("</table>")]
    assert "部分兑现跟进案件" in card and f"{due}（部分兑现）" in card
    # the ladder asks the owner to follow up the unpaid rest
    run_ladder(session, today)
    session.commit()
    reasons = session.scalars(select(Task.reason_key).where(Task.case_id == case.id)).all()
    assert f"broken_promise:{promise.id}" in reasons
