"""The asset register (issue 17 point 5): a freeze recorded in the register gives the
freeze-renewal deadline (one truth: its court event), money received in enforcement lowers
the amount owed, the ruling ending enforcement is a court event, and the applications list
the register's assets as property clues."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import NoResultFound

from legalcase.domain.errors import ValidationFailed
from legalcase.models import AuditEntry, CourtEvent, Payment
from legalcase.services import assets as svc
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import today
from legalcase.services.documents.context import document_context
from tests import factories as F
from tests.integration.test_missed_deadlines import row


def _case(session):
    boss = F.user(session, "admin")
    c = F.case(session, boss)
    day = today()
    F.receivable(
        session, boss, c, "FP-1", "80000.00", day - timedelta(days=200), day - timedelta(days=100)
    )
    return boss, c, day


def _account(session, boss, c, day):
    a = svc.add_asset(
        session,
        boss,
        c,
        {
            "party_id": c.debtor_id,
            "kind": "bank_account",
            "description": "中国工商银行苏州园区支行基本存款账户",
            "identifier": "1102 0203 0900 1234 567",
            "source": "财产调查（银行询证）",
            "found_date": day - timedelta(days=30),
        },
    )
    session.commit()
    return a


def test_a_freeze_in_the_register_gives_the_renewal_deadline(session):
    boss, c, day = _case(session)
    account = _account(session, boss, c, day)
    start, expiry = day - timedelta(days=20), day + timedelta(days=60)
    freeze = svc.record_freeze(
        session,
        boss,
        account,
        {
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591财保12号",
            "event_date": start,
            "expires_date": expiry,
            "frozen_amount": Decimal("80000.00"),
        },
    )
    session.commit()
    # the one record of the dates is the court event the deadline engine reads
    event = session.get(CourtEvent, freeze.court_event_id)
    assert (event.kind, event.asset_kind, event.expires_date) == (
        "preservation",
        "bank_deposit",
        expiry,
    )
    assert row(session, c, "freeze_expiry").due_date == expiry
    renewal = row(session, c, "freeze_renewal_apply_by")
    assert renewal.due_date <= expiry - timedelta(days=7)
    assert renewal.source_key == f"court_event:{event.id}"
    # the register shows the freeze with its deadlines
    (debtor,) = svc.register(session, c)
    (view,) = debtor.assets[0].freezes
    assert {d.kind for d in view.deadlines} >= {"freeze_expiry", "freeze_renewal_apply_by"}
    # a renewal ruling moves the expiry and the renewal deadline with it
    later = expiry + timedelta(days=365)
    svc.update_freeze(
        session,
        boss,
        freeze,
        {"expires_date": later, "document_number": "（2026）苏0591财保12号之一"},
    )
    session.commit()
    assert row(session, c, "freeze_expiry").due_date == later
    assert row(session, c, "freeze_renewal_apply_by").due_date > expiry
    audited = session.scalars(select(AuditEntry.entity).where(AuditEntry.case_id == c.id)).all()
    assert "assets" in audited and "asset_freezes" in audited


def test_a_freeze_needs_the_court_and_ruling_and_nothing_is_written(session):
    boss, c, day = _case(session)
    account = _account(session, boss, c, day)
    with pytest.raises(ValidationFailed) as err:
        svc.record_freeze(session, boss, account, {"event_date": day})
    assert set(err.value.fields) == {"court_name", "document_number"}
    session.rollback()
    assert session.scalars(select(CourtEvent)).all() == []


def test_enforcement_receipt_lowers_the_amount_owed(session):
    boss, c, day = _case(session)
    before = claim_for_case(session, c, day).principal_outstanding
    assert before == Decimal("80000.00")
    out = svc.record_outcome(
        session,
        boss,
        c,
        {
            "party_id": c.debtor_id,
            "kind": "received",
            "outcome_date": day - timedelta(days=1),
            "amount": Decimal("30000.00"),
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591执100号",
        },
    )
    session.commit()
    payment = session.get(Payment, out.payment_id)
    assert payment.amount == Decimal("30000.00") and "强制执行到款" in payment.note
    session.refresh(c)
    assert c.outstanding_amount == Decimal("50000.00")
    assert claim_for_case(session, c, day).principal_outstanding == Decimal("50000.00")


def test_termination_ruling_and_lists(session):
    boss, c, day = _case(session)
    t = svc.record_outcome(
        session,
        boss,
        c,
        {
            "party_id": c.debtor_id,
            "kind": "terminated",
            "outcome_date": day - timedelta(days=3),
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591执100号之二",
        },
    )
    svc.record_outcome(
        session,
        boss,
        c,
        {"party_id": c.debtor_id, "kind": "dishonest", "outcome_date": day - timedelta(days=2)},
    )
    session.commit()
    assert session.get(CourtEvent, t.court_event_id).kind == "enforcement_terminated"
    (debtor,) = svc.register(session, c)
    assert [o.kind for o in debtor.outcomes] == ["terminated", "dishonest"]
    with pytest.raises(ValidationFailed) as err:
        svc.record_outcome(
            session,
            boss,
            c,
            {"party_id": c.debtor_id, "kind": "received", "outcome_date": day},
        )
    assert "amount" in err.value.fields


def test_the_applications_list_the_register_as_property_clues(session):
    boss, c, day = _case(session)
    account = _account(session, boss, c, day)
    svc.record_freeze(
        session,
        boss,
        account,
        {
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591财保12号",
            "event_date": day - timedelta(days=5),
            "frozen_amount": Decimal("80000.00"),
        },
    )
    session.commit()
    clues = svc.property_clues(session, c)
    assert len(clues) == 1
    text = clues[0]["description"]
    assert "银行账户：中国工商银行苏州园区支行基本存款账户" in text
    assert "（2026）苏0591财保12号" in text and "80,000.00" in text
    ctx = document_context(session, c, day, {}, 15)
    assert ctx["assets"][0]["description"] == text


def test_the_preservation_application_lists_the_register(app, session, tmp_path):
    from docx import Document

    from legalcase.services import documents
    from storage import LocalStorage

    boss, c, day = _case(session)
    c.court = "苏州工业园区人民法院"
    session.commit()
    _account(session, boss, c, day)
    store = LocalStorage(tmp_path / "objects")
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    doc = documents.generate(
        session,
        store,
        boss,
        c,
        "preservation_application",
        as_of=day,
        config=config,
        override_reason="证据待补充",
    )
    session.commit()
    with store.open(doc.storage_key) as fh:
        d = Document(io.BytesIO(fh.read()))
    text = "\n".join(
        [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    )
    assert "银行账户：中国工商银行苏州园区支行基本存款账户（1102 0203 0900 1234 567）" in text
    assert "待律师填写：被申请人的财产线索" not in text


def _freeze_data(start):
    return {
        "court_name": "苏州工业园区人民法院",
        "document_number": "（2026）苏0591财保20号",
        "event_date": start,
        "frozen_amount": Decimal("80000.00"),
    }


def test_a_freeze_before_suit_is_pre_suit_and_gives_the_30_days_to_sue(session):
    boss, c, day = _case(session)
    assert c.stage == "pre_legal"
    account = _account(session, boss, c, day)
    start = day - timedelta(days=5)
    freeze = svc.record_freeze(session, boss, account, _freeze_data(start))  # 诉前/诉中 not said
    session.commit()
    assert session.get(CourtEvent, freeze.court_event_id).is_pre_suit is True
    assert row(session, c, "sue_after_preservation").due_date == start + timedelta(days=30)


def test_a_freeze_said_to_be_in_suit_gives_no_deadline_to_sue(session):
    boss, c, day = _case(session)
    account = _account(session, boss, c, day)
    freeze = svc.record_freeze(session, boss, account, {**_freeze_data(day), "is_pre_suit": False})
    session.commit()
    assert session.get(CourtEvent, freeze.court_event_id).is_pre_suit is False
    with pytest.raises(NoResultFound):
        row(session, c, "sue_after_preservation")
