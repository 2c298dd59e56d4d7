"""No lost update: many clients writing to one case at once through the served app.

The real server (``legalcase serve``, gunicorn with 3 worker processes) runs on a free
loopback port against the test database; 16 client threads post to one case at once.
Every accepted write must be in the case's balances and promises afterwards, nothing may
fail with a 5xx (or "database is locked"), and ``legalcase check`` must find the stored
figures in line with their sources.
"""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bench.concurrency import (
    Api,
    admin_with_token,
    open_case,
    payment,
    post_all,
    promise_entry,
    served,
)
from legalcase.domain.promises import promise_status
from legalcase.models import Case, Payment, PaymentAllocation, Promise, Receivable
from legalcase.services.clock import today as clock_today

CLIENTS = 16
OWING = Decimal("1000.00")


@pytest.fixture
def server(app, database_url, tmp_path):
    """(api, creditor_id) for a served app with an admin token; tables start empty."""
    # The admin exists before the server starts, so `serve` loads no demo data; the
    # setup's unit of work is committed and closed, so no test session holds a lock.
    token, creditor_id = admin_with_token(database_url, tmp_path / "setup")
    with served(database_url, tmp_path / "instance", workers=3) as base:
        yield Api(base, token), creditor_id


def _failures(results) -> list[str]:
    """Every response that is not a 201, as 'status payload' (a 4xx must be a JSON error)."""
    out = []
    for r in results:
        if r.status == 201:
            continue
        clear = 400 <= r.status < 500 and isinstance(r.payload, dict) and "error" in r.payload
        out.append(f"{r.status} {'' if clear else 'UNCLEAR '}{str(r.payload)[:200]}")
    return out


def _fresh_session(app):
    """A new session, so that what the server committed is seen (SQLite snapshot)."""
    return app.extensions["legalcase_db"]["sessions"]()


def _stored_sums(session, case_id: int) -> tuple[int, Decimal, Decimal, Decimal]:
    """(payment rows, their sum, the sum of their allocations, the receivables' paid)."""
    count, total = session.execute(
        select(func.count(Payment.id), func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.case_id == case_id
        )
    ).one()
    allocated = session.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
        .join(Payment)
        .where(Payment.case_id == case_id)
    )
    paid = session.scalar(
        select(func.coalesce(func.sum(Receivable.paid_amount), 0)).where(
            Receivable.case_id == case_id
        )
    )
    return count, Decimal(total), Decimal(allocated), Decimal(paid)


def _check(database_url: str, tmp_path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": database_url,
        "LEGALCASE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    return subprocess.run(
        [sys.executable, "-m", "legalcase.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_concurrent_payments_on_one_case_are_all_counted(app, server, database_url, tmp_path):
    api, creditor_id = server
    case_id = open_case(api, creditor_id, f"{OWING}")

    results = post_all(api, [payment(case_id) for _ in range(400)], CLIENTS)

    assert _failures(results) == []
    accepted = Decimal(len(results))  # every one was a 201 of 1.00
    case = api.ok("GET", f"/cases/{case_id}")
    assert Decimal(case["paid_amount"]) == accepted == Decimal("400.00")
    assert Decimal(case["outstanding_amount"]) == OWING - accepted
    with _fresh_session(app) as s:
        count, total, allocated, paid = _stored_sums(s, case_id)
        stored = s.get(Case, case_id)
        assert (count, total, allocated, paid) == (400, accepted, accepted, accepted)
        assert (stored.paid_amount, stored.outstanding_amount) == (accepted, OWING - accepted)

    done = _check(database_url, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_concurrent_promises_and_payments_on_one_case(app, server, database_url, tmp_path):
    """Ledger entries with promises to pay 1.00 interleaved with payments of 1.00: each
    promise ends with the status its payments give it (a payment judges the case's
    promises, a new promise is judged by the payments already made), and the balances
    hold every payment."""
    api, creditor_id = server
    case_id = open_case(api, creditor_id, f"{OWING}")
    jobs = [promise_entry(case_id) if i % 4 == 0 else payment(case_id) for i in range(160)]

    results = post_all(api, jobs, CLIENTS)

    assert _failures(results) == []
    paid = Decimal(sum(1 for r in results if r.path.endswith("/payments")))
    assert paid == 120
    case = api.ok("GET", f"/cases/{case_id}")
    assert (Decimal(case["paid_amount"]), Decimal(case["outstanding_amount"])) == (
        paid,
        OWING - paid,
    )
    with _fresh_session(app) as s:
        assert _stored_sums(s, case_id) == (120, paid, paid, paid)
        payments = s.execute(
            select(Payment.paid_date, Payment.amount).where(Payment.case_id == case_id)
        ).all()
        promises = list(s.scalars(select(Promise).where(Promise.case_id == case_id)))
        assert len(promises) == 40
        wrong = []
        for p in promises:
            in_window = sum(a for d, a in payments if p.made_date <= d <= p.due_date)
            expected = promise_status(p.amount, p.due_date, in_window, clock_today())
            if p.status != expected.value:
                wrong.append((p.id, p.status, expected.value))
        assert wrong == []
    # every promise (1.00, due in a week) was made today, and 120.00 was paid today
    listed = api.ok("GET", f"/cases/{case_id}/promises")["items"]
    assert [p["status"] for p in listed] == ["kept"] * 40

    done = _check(database_url, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
