"""Two approvals at once must not both apply: through the served app (gunicorn, 3 workers),
16 clients approve two pending waivers of the same case at the same moment, each 70% of the
interest owed. Approving locks the case (``begin_case_write``) and counts what is already
waived after the lock, so exactly one approval applies; every other answer is a clear 4xx
(decided already, or more than is owed), and the claim is lowered once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from bench.concurrency import Api, admin_with_token, open_case, post_all, served
from legalcase.models import Case
from legalcase.models.waivers import Waiver
from legalcase.services import waivers
from legalcase.services.auth import create_user
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import today

CLIENTS = 16


@pytest.fixture
def server(app, database_url, tmp_path):
    token, creditor_id = admin_with_token(database_url, tmp_path / "setup")
    with served(database_url, tmp_path / "instance", workers=3) as base:
        yield Api(base, token), creditor_id


def _pending_pair(app, case_id: int) -> tuple[list[int], Decimal, Decimal]:
    """Two waivers of 70% of the interest by a legal user (limit 60%): both pending."""
    with app.extensions["legalcase_db"]["sessions"](write=True) as s:
        legal = create_user(s, "legal-waiver", "secret-pass-1", "legal", "陈律师")
        case = s.get(Case, case_id)
        interest = claim_for_case(s, case, today()).interest_outstanding
        part = (interest * Decimal("0.7")).quantize(Decimal("0.01"))
        ids = []
        for kind in ("penalty_interest", "late_fee"):
            w = waivers.propose_waiver(
                s, legal, case, {"kind": kind, "amount": part, "reason": "一次性付清本金"}
            )
            assert w.status == "pending"
            ids.append(w.id)
        s.commit()
        return ids, interest, part


def test_two_approvals_at_once_do_not_both_apply(app, server):
    api, creditor_id = server
    case_id = open_case(api, creditor_id, owing="100000.00")
    ids, interest, part = _pending_pair(app, case_id)
    assert interest > Decimal("1000")
    jobs = [
        (f"/waivers/{ids[i % 2]}/decision", {"decision": "approve", "note": f"同意 {i}"})
        for i in range(CLIENTS)
    ]
    results = post_all(api, jobs, CLIENTS)
    ok = [r for r in results if r.status == 200]
    refused = [r for r in results if r.status != 200]
    assert len(ok) == 1, [(r.status, r.payload) for r in results]
    assert {r.status for r in refused} <= {400, 409}
    assert all(isinstance(r.payload, dict) and r.payload["error"]["message"] for r in refused)
    codes = {r.payload["error"]["code"] for r in refused}
    assert codes <= {"already_decided", "invalid_input"}
    with app.extensions["legalcase_db"]["sessions"]() as s:
        rows = s.scalars(select(Waiver).where(Waiver.case_id == case_id)).all()
        assert sorted(w.status for w in rows) == ["approved", "pending"]
        winner = next(w for w in rows if w.status == "approved")
        assert winner.decision_note == ok[0].body["note"]
        claim = claim_for_case(s, s.get(Case, case_id), today())
        assert claim.interest_outstanding == interest - part
