"""Documents generated from a case and read back; numbers; preconditions; PDF with LibreOffice."""

from __future__ import annotations

import io
import re
import subprocess
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from docx import Document
from pypdf import PdfReader
from sqlalchemy import func, select

from docgen.fields import DOCUMENTS
from legalcase.domain.errors import DomainError, PermissionDenied
from legalcase.models import CaseDeadline, Creditor, GeneratedDocument, LedgerEntry
from legalcase.services import court, documents, evidence, receivables
from legalcase.services.uow import UnitOfWork
from storage import LocalStorage, StorageError
from tests import factories as F

AS_OF = date(2026, 11, 24)


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture
def full_case(app, session, tmp_path):
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = LocalStorage(tmp_path / "objects")
    legal = F.user(session, "legal", name="陈律师")
    cred = Creditor(
        name="华东精密机械制造有限公司",
        uscc=F.uscc(1),
        address="上海市闵行区申富路 88 号",
        bank_account="工行莘庄支行 1001 2345",
        letter_code="华东建机催",
    )
    session.add(cred)
    session.commit()
    case = F.case(session, legal, cred=cred, title="恒达货款纠纷")
    case.forum_name = "上海市闵行区人民法院"
    case.case_number = "（2026）沪0112民初1234号"
    case.allocation = "statutory"  # payments go to interest first (RULES.md s.6)
    session.commit()
    contract = receivables.add_contract(
        session,
        legal,
        case,
        {
            "number": "HD-2025-0042",
            "kind": "sale",
            "signed_date": date(2025, 1, 10),
            "amount": Decimal("300000"),
            "late_fee_type": "annual_rate",
            "late_fee_rate": Decimal("6"),
            "payment_terms": "货到验收后60日内付款",
        },
    )
    F.receivable(
        session,
        legal,
        case,
        "FP-001",
        "123456.78",
        date(2025, 2, 1),
        date(2025, 3, 31),
        contract_id=contract.id,
    )
    receivables.record_payment(
        session,
        legal,
        case,
        {"paid_date": date(2025, 6, 30), "amount": Decimal("23456.78")},
        today=AS_OF,
    )
    for kind in (
        "contract",
        "delivery",
        "invoice",
        "statement",
        "payment_record",
        "delivery_proof",
        "acknowledgment",
        "asset_lead",
        "judgment",
    ):
        evidence.add_evidence(
            session,
            store,
            legal,
            case,
            io.BytesIO(f"{kind} evidence".encode()),
            f"{kind}.txt",
            {"kind": kind, "title": f"{kind}材料", "purpose": f"证明{kind}"},
            tmp_dir=tmp_path / "tmp",
            max_bytes=2**20,
        )
    court.add_court_event(
        session,
        legal,
        case,
        {
            "kind": "judgment",
            "served_date": date(2026, 9, 1),
            "performance_due": date(2026, 9, 30),
            "effective_date": date(2026, 9, 17),
            "court_name": "上海市闵行区人民法院",
            "document_number": "（2026）沪0112民初1234号民事判决书",
        },
        today=AS_OF,
    )
    session.commit()
    return session, store, legal, case, config


def test_every_document_reads_back_with_names_amounts_dates_and_claim(full_case):
    session, store, legal, case, config = full_case
    for doc_type in DOCUMENTS:
        doc = documents.generate(session, store, legal, case, doc_type, as_of=AS_OF, config=config)
        with store.open(doc.storage_key) as fh:
            data = fh.read()
        text = text_of(data)
        assert "{{" not in text and "{%" not in text, doc_type
        filing = doc_type in ("complaint", "preservation_application", "enforcement_application")
        assert (doc.letter_number is None) == filing, doc_type  # court filings: no number
        assert filing or doc.letter_number in text, doc_type
        assert "苏州恒达机电设备有限公司" in text and "华东精密机械制造有限公司" in text, doc_type
        # principal after the payment went to interest first: 123,456.78 x 6% x 91/365 = 1,846.78
        assert "101,846.78" in text, doc_type
        # in capitals: the principal (letters) or the total with 8,571.87 interest (filings)
        capitals = ("人民币壹拾万壹仟捌佰肆拾陆元柒角捌分", "人民币壹拾壹万零肆佰壹拾捌元陆角伍分")
        assert any(c in text for c in capitals) or doc_type == "enforcement_application", doc_type
    letter = text_of(
        store.open(
            session.scalars(
                select(GeneratedDocument).where(GeneratedDocument.doc_type == "lawyer_letter")
            )
            .one()
            .storage_key
        ).read()
    )
    # principal 123,456.78 - 23,456.78 paid (interest first, then principal) ... the claim lines are there
    assert "逾期利息 FP-001" in letter and "约定年利率 6%" in letter
    assert "2026年12月9日" in letter  # 15 days after 2026-11-24, a Wednesday
    assert "2025年1月10日" in letter and "HD-2025-0042" in letter
    enforcement = text_of(
        store.open(
            session.scalars(
                select(GeneratedDocument).where(
                    GeneratedDocument.doc_type == "enforcement_application"
                )
            )
            .one()
            .storage_key
        ).read()
    )
    assert "2026年9月30日" in enforcement and "民事判决书" in enforcement
    numbers = session.scalars(
        select(GeneratedDocument.letter_number).order_by(GeneratedDocument.id)
    ).all()
    # the creditor's own letters in its series, the lawyer's letter in the firm's, filings none
    assert sorted(n for n in numbers if n) == sorted(
        ["明诚律函〔2026〕第0001号", *(f"华东建机催〔2026〕第{n:04d}号" for n in range(1, 5))]
    )


def test_preconditions_refuse_and_a_lawyer_may_override(app, session, tmp_path):
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = LocalStorage(tmp_path / "objects")
    legal = F.user(session, "legal")
    collector = F.user(session, "collector")
    case = F.case(session, legal, owner=collector)
    F.receivable(session, legal, case)
    with pytest.raises(DomainError) as err:
        documents.generate(
            session, store, collector, case, "lawyer_letter", as_of=AS_OF, config=config
        )
    assert "证据：发票" in err.value.message and "合同信息" in err.value.message
    with pytest.raises(PermissionDenied):
        documents.generate(
            session,
            store,
            collector,
            case,
            "lawyer_letter",
            as_of=AS_OF,
            config=config,
            override_reason="客户催得急",
        )
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        "lawyer_letter",
        as_of=AS_OF,
        config=config,
        override_reason="客户要求先发函，合同原件在补充中",
    )
    assert doc.override_reason.startswith("客户要求")
    # a reminder is a collector's everyday letter: no evidence preconditions
    reminder = documents.generate(
        session, store, collector, case, "reminder_30", as_of=AS_OF, config=config
    )
    assert reminder.override_reason is None


def test_two_people_generating_at_once_never_share_a_number(app, full_case):
    session, store, legal, case, config = full_case
    results, errors = [], []

    sessions = app.extensions["legalcase_db"]["sessions"]

    def work():
        try:
            for _ in range(3):
                with UnitOfWork(sessions, store, write=True) as uow:
                    s = uow.session
                    c = s.get(type(case), case.id)
                    u = s.get(type(legal), legal.id)
                    doc = documents.generate(
                        s, uow.storage, u, c, "reminder_30", as_of=AS_OF, config=config
                    )
                    uow.commit()
                    results.append(doc.letter_number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == [f"华东建机催〔2026〕第{n:04d}号" for n in range(1, 13)]


def test_marking_sent_adds_a_demand_from_its_arrival(full_case):
    session, store, legal, case, config = full_case
    doc = documents.generate(
        session, store, legal, case, "lawyer_letter", as_of=AS_OF, config=config
    )
    entry, letter = documents.mark_sent(
        session,
        store,
        legal,
        doc,
        {
            "sent_at": datetime(2026, 11, 20, 2, tzinfo=UTC),
            "channel": "letter",
            "arrival_date": date(2026, 11, 23),
        },
        (io.BytesIO(b"EMS 1234 signed"), "ems.txt"),
        tmp_dir=config["UPLOAD_TMP"],
        max_bytes=2**20,
    )
    assert entry.legal_effect == "demand" and entry.arrival_date == date(2026, 11, 23)
    assert letter.kind == "letter" and entry in letter.ledger_entries
    assert session.get(LedgerEntry, entry.id).summary.startswith("发送律师函")
    with pytest.raises(DomainError, match="已登记为已发送"):
        documents.mark_sent(
            session,
            store,
            legal,
            doc,
            {"sent_at": datetime(2026, 11, 21, tzinfo=UTC), "channel": "letter"},
            None,
            tmp_dir=config["UPLOAD_TMP"],
            max_bytes=2**20,
        )
    # in litigation the limitation is held by the proceedings; the demand is in the facts all the same
    assert session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id)).all()


def test_pdf_with_libreoffice_has_the_chinese_text(full_case):
    session, store, legal, case, config = full_case
    doc = documents.generate(
        session, store, legal, case, "lawyer_letter", as_of=AS_OF, config=config
    )
    key = documents.pdf_for(session, store, doc, config["UPLOAD_TMP"])
    with store.open(key) as fh:
        pdf = fh.read()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages == 2, pages  # the letter with its claim table runs onto a second page
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "律师函" in text and "苏州恒达机电设备有限公司" in text
    assert re.search(r"明诚律函〔2026〕第\s*\d{4}\s*号", text)
    assert documents.pdf_for(session, store, doc, config["UPLOAD_TMP"]) == key  # converted once


def test_a_refused_proof_or_date_writes_nothing(full_case):
    from sqlalchemy import func

    from legalcase.models import EvidenceItem

    session, store, legal, case, config = full_case
    doc = documents.generate(
        session, store, legal, case, "lawyer_letter", as_of=AS_OF, config=config
    )
    session.commit()
    before = session.scalar(select(func.count()).select_from(EvidenceItem))
    entries = session.scalar(select(func.count()).select_from(LedgerEntry))
    with pytest.raises(DomainError, match="不支持的文件类型"):
        documents.mark_sent(
            session,
            store,
            legal,
            doc,
            {"sent_at": datetime(2026, 11, 20, tzinfo=UTC), "channel": "letter"},
            (io.BytesIO(b"MZ\x90\x00" + bytes(3000)), "proof.exe"),
            tmp_dir=config["UPLOAD_TMP"],
            max_bytes=2**20,
        )
    with pytest.raises(DomainError) as err:
        documents.mark_sent(
            session,
            store,
            legal,
            doc,
            {
                "sent_at": datetime(2026, 11, 20, tzinfo=UTC),
                "channel": "letter",
                "arrival_date": date(2026, 11, 1),
            },
            None,
            tmp_dir=config["UPLOAD_TMP"],
            max_bytes=2**20,
        )
    assert "arrival_date" in err.value.fields
    session.rollback()
    assert session.scalar(select(func.count()).select_from(EvidenceItem)) == before
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    assert session.get(GeneratedDocument, doc.id).sent_at is None


def test_the_firm_seal_is_printed_on_the_lawyers_letter(full_case, tmp_path):
    from PIL import Image

    session, store, legal, case, config = full_case
    seal = tmp_path / "seal.png"
    Image.new("RGBA", (300, 300), (200, 0, 0, 255)).save(seal)
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        "lawyer_letter",
        as_of=AS_OF,
        config={**config, "FIRM_SEAL_IMAGE": str(seal)},
    )
    with store.open(doc.storage_key) as fh:
        assert len(Document(io.BytesIO(fh.read())).inline_shapes) == 1
    with pytest.raises(DomainError, match="印章图片无法读取"):
        documents.generate(
            session,
            store,
            legal,
            case,
            "lawyer_letter",
            as_of=AS_OF,
            config={**config, "FIRM_SEAL_IMAGE": str(tmp_path / "missing.png")},
        )
    # a refused generation takes no number: the next one follows on
    after = documents.generate(
        session, store, legal, case, "lawyer_letter", as_of=AS_OF, config=config
    )
    assert after.letter_number == "明诚律函〔2026〕第0002号" and doc.letter_number.endswith(
        "第0001号"
    )


class _SecondPutFails(LocalStorage):
    """Stores the first object (the delivery proof), then fails on the second (the letter)."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.puts = 0

    def put_file(self, key, path):
        self.puts += 1
        if self.puts == 2:
            raise StorageError("磁盘已满")
        return super().put_file(key, path)


def _files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _rows(session) -> dict[str, int]:
    from sqlalchemy import func

    from legalcase.models import Base

    return {
        t.name: session.scalar(select(func.count()).select_from(t))
        for t in Base.metadata.sorted_tables
    }


def _deadlines(session, case) -> list[tuple]:
    return session.execute(
        select(CaseDeadline.kind, CaseDeadline.source_key, CaseDeadline.due_date)
        .where(CaseDeadline.case_id == case.id)
        .order_by(CaseDeadline.kind, CaseDeadline.source_key)
    ).all()


@pytest.mark.parametrize("failing", ["letter_storage", "after_ledger_entry", "deadline_refresh"])
def test_marking_sent_is_one_unit_of_work(app, session, tmp_path, monkeypatch, failing):
    """A failure at any step of marking a letter sent leaves no evidence, no ledger entry,
    no changed deadline and no stored file once the unit of work rolls back."""
    from legalcase.models import EvidenceItem, User
    from legalcase.services import ledger

    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = LocalStorage(tmp_path / "objects")
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    F.receivable(session, legal, case)  # due 2026-03-02: limitation until 2029-03-02
    doc = documents.generate(session, store, legal, case, "reminder_30", as_of=AS_OF, config=config)
    session.commit()
    files, rows, deadlines = _files(store.root), _rows(session), _deadlines(session, case)
    at_failure = {}

    def written_so_far(s):
        s.flush()
        at_failure["files"] = _files(store.root) - files
        at_failure["evidence"] = (
            s.scalar(select(func.count()).select_from(EvidenceItem)) - rows["evidence_items"]
        )
        at_failure["entries"] = (
            s.scalar(select(func.count()).select_from(LedgerEntry)) - rows["ledger_entries"]
        )
        at_failure["deadlines"] = _deadlines(s, case)

    if failing == "after_ledger_entry":  # the entry is made and the deadlines refreshed
        record_contact = ledger.record_contact

        def record_then_fail(s, *args, **kwargs):
            record_contact(s, *args, **kwargs)
            written_so_far(s)
            raise RuntimeError("injected failure after the ledger step")

        monkeypatch.setattr(ledger, "record_contact", record_then_fail)
    elif failing == "deadline_refresh":  # the entry is added, the refresh fails

        def refresh_fails(s, _case, *args, **kwargs):
            written_so_far(s)
            raise RuntimeError("injected failure in the deadline refresh")

        monkeypatch.setattr(ledger, "refresh_case", refresh_fails)
    inner = _SecondPutFails(store.root) if failing == "letter_storage" else store
    sessions = app.extensions["legalcase_db"]["sessions"]
    with UnitOfWork(sessions, inner, write=True) as uow:
        s = uow.session
        with pytest.raises((RuntimeError, DomainError)) as err:
            documents.mark_sent(
                s,
                uow.storage,
                s.get(User, legal.id),
                s.get(GeneratedDocument, doc.id),
                {
                    "sent_at": datetime(2026, 11, 20, 2, tzinfo=UTC),
                    "channel": "letter",
                    "arrival_date": date(2026, 11, 23),
                },
                (io.BytesIO(b"EMS 9876 signed by the debtor"), "ems.txt"),
                tmp_dir=config["UPLOAD_TMP"],
                max_bytes=2**20,
            )
        if failing == "letter_storage":
            assert err.value.code == "storage_failed"
            written_so_far(s)
            assert len(at_failure["files"]) == 1 and at_failure["evidence"] == 1  # the proof
        else:  # the proof and the letter were stored and the entry written when it failed
            assert len(at_failure["files"]) == 2 and at_failure["evidence"] == 2
            assert at_failure["entries"] == 1
        if failing == "after_ledger_entry":
            assert at_failure["deadlines"] != deadlines  # the demand had been counted
    # left without a commit: rolled back, storage included
    session.rollback()
    assert _files(store.root) == files
    assert _rows(session) == rows
    assert _deadlines(session, case) == deadlines
    sent = session.get(GeneratedDocument, doc.id)
    assert sent.sent_at is None and sent.ledger_entry_id is None
