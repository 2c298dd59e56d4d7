"""Waivers (issue 17 point 2): principal refused; within the proposer's limit a waiver takes
effect at once, above it it waits for another user whose limit covers it (never its own
proposer); an approved waiver lowers the claim with a line saying so, on the case page, the
API and a generated document. Limits are a setting stored in the database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from sqlalchemy import select

from legalcase.domain.errors import DomainError
from legalcase.models import Task
from legalcase.services import documents, waivers
from legalcase.services.auth import issue_token
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import today
from storage import LocalStorage
from tests import factories as F


@pytest.fixture
def owed(session):
    """A 100,000 invoice overdue since 2024: some thousands of late-payment interest owed."""
    admin = F.user(session, "admin", name="王管理")
    legal = F.user(session, "legal", name="陈律师")
    collector = F.user(session, "collector", name="李催收")
    case = F.case(session, admin, owner=collector)
    F.receivable(session, admin, case, "FP-7", "100000.00", date(2024, 1, 2), date(2024, 3, 1))
    interest = claim_for_case(session, case, today()).interest_outstanding
    assert interest > Decimal("1000")
    return session, case, admin, legal, collector, interest


def _propose(session, actor, case, kind, amount, reason="快速结案，对方一次性付清本金"):
    w = waivers.propose_waiver(
        session, actor, case, {"kind": kind, "amount": Decimal(amount), "reason": reason}
    )
    session.commit()
    return w


def test_principal_is_never_waived(owed):
    session, case, admin, legal, collector, interest = owed
    with pytest.raises(DomainError) as exc:
        waivers.propose_waiver(
            session, admin, case, {"kind": "principal", "amount": Decimal("100"), "reason": "x"}
        )
    assert exc.value.code == "principal_not_waivable"
    assert "本金不得减免" in exc.value.message
    session.rollback()
    assert waivers.case_waivers(session, case.id) == []


def test_within_limit_applies_at_once_over_limit_waits_and_self_approval_is_refused(owed):
    session, case, admin, legal, collector, interest = owed
    small = (interest * Decimal("0.2")).quantize(Decimal("0.01"))
    w1 = _propose(session, collector, case, "penalty_interest", small)  # 20% <= 30%
    assert (w1.status, w1.decided_by_id) == ("approved", collector.id)
    claim = claim_for_case(session, case, today())
    assert claim.interest_outstanding == interest - small
    # another 20% of the interest: 40% together, over the collector's 30%: it waits
    w2 = _propose(session, collector, case, "late_fee", small)
    assert w2.status == "pending"
    # a task tells a user who may approve it (legal before admin)
    task = session.scalar(select(Task).where(Task.reason_key == f"waiver:{w2.id}"))
    assert task.assignee_id == legal.id and f"审批减免申请第{w2.id}号" in task.title
    assert claim_for_case(session, case, today()).interest_outstanding == interest - small
    with pytest.raises(DomainError) as exc:
        waivers.decide_waiver(session, collector, w2.id, True, "我来批")
    assert exc.value.code == "self_approval" and "不能由提出人自己批准" in exc.value.message
    session.rollback()
    # legal may waive 60%: approves, who, when and why are kept
    waivers.decide_waiver(session, legal, w2.id, True, "同意，对方承诺一周内付清")
    session.commit()
    session.refresh(w2)
    assert (w2.status, w2.decided_by_id, w2.decision_note) == (
        "approved",
        legal.id,
        "同意，对方承诺一周内付清",
    )
    assert w2.decided_at is not None
    session.refresh(task)
    assert task.is_done and task.done_note == "已批准（已生效）：同意，对方承诺一周内付清"
    claim = claim_for_case(session, case, today())
    assert claim.interest_outstanding == interest - 2 * small
    lines = [line.what for line in claim.lines]
    assert any(f"减免单第{w2.id}号，陈律师" in what and "违约金" in what for what in lines)
    # decided once
    with pytest.raises(DomainError) as exc:
        waivers.decide_waiver(session, admin, w2.id, False, "再看看")
    assert exc.value.code == "already_decided"
    session.rollback()


def test_approver_needs_a_limit_that_covers_it_and_limits_are_settable(owed):
    session, case, admin, legal, collector, interest = owed
    big = (interest * Decimal("0.7")).quantize(Decimal("0.01"))
    w = _propose(session, collector, case, "penalty_interest", big)
    with pytest.raises(DomainError) as exc:  # legal: 60% only
        waivers.decide_waiver(session, legal, w.id, True, "同意")
    assert exc.value.status == 403 and "超出您的审批权限" in exc.value.message
    session.rollback()
    with pytest.raises(DomainError):  # a viewer changes nothing
        waivers.set_waiver_limits(session, legal, {"legal": Decimal("0.8")})
    session.rollback()
    waivers.set_waiver_limits(session, admin, {"legal": Decimal("0.8")})
    session.commit()
    assert waivers.waiver_limits(session)["legal"] == Decimal("0.8")
    waivers.decide_waiver(session, legal, w.id, True, "同意")
    session.commit()
    # more than is owed is refused, whoever proposes it
    with pytest.raises(DomainError) as exc:
        _propose(session, admin, case, "penalty_interest", interest)
    assert "超过可减免的数额" in exc.value.fields["amount"]
    session.rollback()


def test_approved_waiver_shows_on_the_case_page_the_api_and_a_document(app, owed, tmp_path):
    session, case, admin, legal, collector, interest = owed
    before = claim_for_case(session, case, today()).total
    w = _propose(session, admin, case, "penalty_interest", "1000.00")
    after = claim_for_case(session, case, today()).total
    assert after == before - Decimal("1000.00")
    client = app.test_client()
    client.post("/login", data={"username": admin.username, "password": F.PASSWORD})
    page = client.get(f"/cases/{case.id}?tab=money").data.decode()
    assert f"经批准减免罚息/逾期利息（减免单第{w.id}号，王管理" in page
    assert f"{after:,.2f}" in page
    token = issue_token(session, admin)
    session.commit()
    r = client.get(f"/api/v1/cases/{case.id}/claim", headers={"Authorization": f"Bearer {token}"})
    body = r.get_json()
    assert body["total"] == f"{after:.2f}"
    assert any(line["amount"] == "-1000.00" and "减免单" in line["what"] for line in body["lines"])
    r = client.get(f"/api/v1/cases/{case.id}/waivers", headers={"Authorization": f"Bearer {token}"})
    assert [i["status"] for i in r.get_json()["items"]] == ["approved"]
    r = client.post(
        f"/api/v1/cases/{case.id}/waivers",
        json={"kind": "principal", "amount": "10.00", "reason": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "principal_not_waivable"
    store = LocalStorage(tmp_path / "objects")
    doc = documents.generate(
        session,
        store,
        admin,
        case,
        "lawyer_letter",  # its claim lines table (templates/build.py CLAIM_LINES)
        as_of=today(),
        config={**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")},
        override_reason="测试生成",
    )
    session.commit()
    with store.open(doc.storage_key) as fh:
        word = Document(io.BytesIO(fh.read()))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in word.paragraphs] + cells)
    assert f"减免单第{w.id}号" in text
    assert "-1,000.00" in text or "−1,000.00" in text


def test_rejected_waiver_changes_nothing_and_a_viewer_cannot_propose(owed):
    session, case, admin, legal, collector, interest = owed
    viewer = F.user(session, "viewer")
    with pytest.raises(DomainError) as exc:
        _propose(session, viewer, case, "penalty_interest", "10.00")
    assert exc.value.status == 403
    session.rollback()
    big = (interest * Decimal("0.9")).quantize(Decimal("0.01"))
    w = _propose(session, legal, case, "penalty_interest", big)
    assert w.status == "pending"
    waivers.decide_waiver(session, admin, w.id, False, "减免过多，不同意")
    session.commit()
    session.refresh(w)
    assert (w.status, w.decided_by_id, w.decision_note) == (
        "rejected",
        admin.id,
        "减免过多，不同意",
    )
    claim = claim_for_case(session, case, today())
    assert claim.interest_outstanding == interest
    assert not any("减免单" in line.what for line in claim.lines)
