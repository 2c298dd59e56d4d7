"""Online statement confirmation (issue 16 point 2): the link, the answer kept as evidence,
the acknowledgment that restarts limitation for the receivables shown."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from legalcase.db import db
from legalcase.domain.errors import DomainError, NotFound, ValidationFailed
from legalcase.domain.evidence import checklist, interruption_proven
from legalcase.models import (
    AuditEntry,
    Case,
    CaseDeadline,
    Confirmation,
    Dispute,
    EvidenceItem,
    LedgerEntry,
)
from legalcase.services import confirmations as svc
from legalcase.services import parties
from legalcase.services.disputes import paused_case_ids
from tests import factories as F

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def limitation(session, r) -> CaseDeadline:
    (row,) = session.scalars(
        select(CaseDeadline).where(
            CaseDeadline.case_id == r.case_id,
            CaseDeadline.kind == "limitation",
            CaseDeadline.is_active.is_(True),
            CaseDeadline.source_key == f"receivable:{r.id}",
        )
    )
    return row


def setup(session):
    admin = F.user(session)
    c = F.case(session, admin)
    a = F.receivable(session, admin, c, "FP-A", "1000", date(2024, 1, 1), date(2024, 6, 30))
    b = F.receivable(session, admin, c, "FP-B", "2500.50", date(2024, 2, 1), date(2024, 7, 31))
    contact = parties.add_contact(
        session,
        admin,
        c.debtor,
        {"name": "李会计", "relation": "finance", "email": "li@example.com"},
    )
    session.commit()
    return admin, c, a, b, contact


def submit(
    session, app, conf, token, decision="confirm", name="李会计", reason="", now=None, disputed=()
):
    c = session.get(Case, conf.case_id)
    st = svc.statement_of(session, c, (now or NOW).date())
    sub = svc.Submission(
        decision, name, reason, "203.0.113.7", "Mozilla/5.0 (iPhone)", "a" * 64, disputed
    )
    out = svc.submit(
        session,
        db.storage,
        svc.find_link(session, token, now or NOW),
        st,
        sub,
        tmp_dir=app.config["UPLOAD_TMP"],
        max_bytes=10 * 2**20,
        now=now or NOW,
    )
    session.commit()
    return out


def pdf_text(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.pdf"
        path.write_bytes(data)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def test_the_token_is_stored_only_as_its_hash_and_expires(session):
    admin, c, a, b, contact = setup(session)
    conf, token = svc.create_link(
        session, admin, c, {"contact_id": contact.id, "expires_in_days": 7}, now=NOW
    )
    session.commit()
    assert len(token) >= 40
    assert conf.token_hash == svc.token_hash(token) != token
    assert token not in str(session.scalars(select(AuditEntry.after)).all())
    assert svc.find_link(session, token, NOW + timedelta(days=6)).id == conf.id
    with pytest.raises(svc.LinkGone) as gone:
        svc.find_link(session, token, NOW + timedelta(days=7))
    assert gone.value.code == "link_expired" and gone.value.status == 410
    with pytest.raises(NotFound):
        svc.find_link(session, token[:-1] + ("A" if token[-1] != "A" else "B"), NOW)


def test_a_link_needs_money_owed_and_the_debtors_contact(session):
    admin, c, a, b, contact = setup(session)
    other = parties.add_contact(
        session,
        admin,
        F.debtor(session, admin, "别家公司"),
        {"name": "王五", "relation": "staff", "phone": "13800000000"},
    )
    session.commit()
    with pytest.raises(DomainError) as bad:
        svc.create_link(session, admin, c, {"contact_id": other.id, "expires_in_days": 90})
    assert set(bad.value.fields) == {"contact_id", "expires_in_days"}


def test_a_confirmation_is_evidence_and_an_acknowledgment_that_restarts_limitation(app, session):
    admin, c, a, b, contact = setup(session)
    assert limitation(session, a).unadjusted_date == date(2027, 6, 30)
    conf, token = svc.create_link(session, admin, c, {"contact_id": contact.id}, now=NOW)
    session.commit()
    submit(session, app, conf, token)
    session.refresh(conf)
    assert conf.decision == "confirm" and conf.used_at == NOW
    assert conf.amount_owed == Decimal("3500.50")
    assert conf.ip_address == "203.0.113.7" and conf.user_agent.startswith("Mozilla")
    # the ledger: an acknowledgment naming both receivables, limitation from that day
    entry = session.get(LedgerEntry, conf.ledger_entry_id)
    assert entry.legal_effect == "acknowledgment"
    assert sorted(entry.receivable_ids) == sorted([a.id, b.id])
    assert limitation(session, a).unadjusted_date == date(2029, 11, 20)
    assert limitation(session, b).unadjusted_date == date(2029, 11, 20)
    # the evidence: a PDF of what was shown with the submission record
    item = session.get(EvidenceItem, conf.evidence_id)
    assert item.kind == "online_confirmation" and item.content_type == "application/pdf"
    assert entry.channel == "online"  # no e-mail was sent: the debtor answered on the page
    # the checklist: proof of acknowledgment, but not a statement the debtor signed
    (complaint,) = [s for s in checklist([(item.id, item.kind)]) if s.step == "complaint"]
    got = {i.requirement.key: i.ok for i in complaint.items}
    assert got["acknowledgment"] is True and got["statement"] is False
    assert interruption_proven("acknowledgment", [item.kind])
    assert [le.id for le in item.ledger_entries] == [entry.id]
    with db.storage.open(item.storage_key) as fh:
        text = pdf_text(fh.read())
    assert "3,500.50" in text and "FP-A" in text and "FP-B" in text
    assert "203.0.113.7" in text and "a" * 64 in text and "李会计" in text
    # once only
    with pytest.raises(svc.LinkGone) as used:
        svc.find_link(session, token, NOW)
    assert used.value.code == "link_used"
    # audited
    audited = session.scalars(
        select(AuditEntry.entity).where(AuditEntry.case_id == c.id, AuditEntry.action == "update")
    ).all()
    assert "confirmations" in audited


def test_a_dispute_opens_disputes_only_on_the_ticked_invoices(app, session):
    admin, c, a, b, contact = setup(session)
    conf, token = svc.create_link(session, admin, c, {}, now=NOW)
    session.commit()
    st = svc.statement_of(session, c, NOW.date())
    none = svc.Submission("dispute", "李", "质量问题", None, None, "a" * 64)
    with pytest.raises(ValidationFailed) as exc:
        svc.check_submission(none.__dict__, st)
    assert "请勾选" in exc.value.fields["dispute_ids"]
    too_much = (*none.__dict__.items(), ("disputed", ((b.id, "2500.51"),)))
    with pytest.raises(ValidationFailed) as exc:
        svc.check_submission(dict(too_much), st)
    assert "不能超过" in exc.value.fields[f"amount_{b.id}"]
    submit(
        session, app, conf, token, "dispute", "李会计", "FP-B 的货物有质量问题",
        disputed=((b.id, "300"),),
    )  # fmt: skip
    assert limitation(session, a).unadjusted_date == date(2027, 6, 30)
    disputes = session.scalars(select(Dispute).order_by(Dispute.receivable_id)).all()
    assert [(d.receivable_id, d.amount, d.status) for d in disputes] == [
        (b.id, Decimal("300.00"), "open"),
    ]
    assert c.id not in paused_case_ids(session, [c.id])  # FP-A is still collected
    assert all(
        d.confirmation_id == conf.id and d.evidence_ids == [conf.evidence_id] for d in disputes
    )
    entry = session.get(LedgerEntry, conf.ledger_entry_id)
    assert entry.legal_effect == "none" and entry.outcome == "disputed"
    # kept as evidence, but not as a statement the debtor signed (the checklist's 对账单)
    assert session.get(EvidenceItem, conf.evidence_id).kind == "other"


def test_the_printed_statement_carries_a_link_as_a_qr_code(app, session, monkeypatch):
    import io
    import zipfile

    from legalcase.services import documents

    admin, c, a, b, contact = setup(session)
    config = dict(app.config)
    monkeypatch.setattr(svc.secrets, "token_urlsafe", lambda n: "T" * 43)
    doc = documents.generate(
        session, db.storage, admin, c, "statement", as_of=date(2026, 11, 20),
        config={**config, "PUBLIC_URL": "https://collect.example.cn/"},
    )  # fmt: skip
    session.commit()
    with db.storage.open(doc.storage_key) as fh:
        docx = zipfile.ZipFile(io.BytesIO(fh.read()))
    media = [n for n in docx.namelist() if n.startswith("word/media/")]
    expected = svc.qr_png("https://collect.example.cn/confirm/" + "T" * 43)
    assert [docx.read(n) for n in media] == [expected]
    assert "扫描下方二维码在线核对" in docx.read("word/document.xml").decode()
    (conf,) = session.scalars(select(Confirmation)).all()
    assert conf.token_hash == svc.token_hash("T" * 43)
    assert (conf.expires_at - conf.created_at).days == 30
    # without the public address: no link, no QR code, no sentence about it
    doc = documents.generate(
        session, db.storage, admin, c, "statement", as_of=date(2026, 11, 20), config=config
    )
    session.commit()
    with db.storage.open(doc.storage_key) as fh:
        docx = zipfile.ZipFile(io.BytesIO(fh.read()))
    assert not [n for n in docx.namelist() if n.startswith("word/media/")]
    assert "二维码" not in docx.read("word/document.xml").decode()
    assert len(session.scalars(select(Confirmation)).all()) == 1


def test_batch_reminders_skip_a_case_whose_receivables_are_all_disputed(session):
    from legalcase.services import disputes
    from legalcase.services.clock import today
    from legalcase.services.documents.batch import batch_cases

    admin = F.user(session)
    due = today() - timedelta(days=45)
    picked = {}
    for name in ("全部异议", "部分异议"):
        c = F.case(session, admin, title=name)
        a = F.receivable(session, admin, c, f"{name}-A", "1000", due - timedelta(days=30), due)
        F.receivable(session, admin, c, f"{name}-B", "500", due - timedelta(days=30), due)
        disputes.open_dispute(session, admin, c, {"receivable_id": a.id, "reason": "quality"})
        session.commit()
        picked[name] = c
    (b_all,) = [r for r in picked["全部异议"].receivables if r.invoice_no.endswith("-B")]
    disputes.open_dispute(
        session, admin, picked["全部异议"], {"receivable_id": b_all.id, "reason": "price"}
    )
    session.commit()
    assert batch_cases(session, admin, "31-60", "reminder_30", today()) == [picked["部分异议"].id]
