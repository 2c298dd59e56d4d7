"""Field visits (issue 17 point 4): the visit pack's PDF carries the exact figures and every
address; the visit is recorded as a ledger entry; photos are evidence with time and place; the
signed commitment makes the visit an acknowledgment and limitation runs afresh from it."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from legalcase.domain.errors import DomainError
from legalcase.models import CaseDeadline, EvidenceItem, LedgerEntry, Promise
from legalcase.services import parties, receivables
from legalcase.services import visits as svc
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import SHANGHAI, today
from legalcase.services.visit_pack import build_pack, pack_pdf
from storage import LocalStorage
from tests import factories as F
from tests.conftest import SHARED


def _limitations(session, case) -> list:
    return list(
        session.scalars(
            select(CaseDeadline.due_date).where(
                CaseDeadline.case_id == case.id,
                CaseDeadline.kind == "limitation",
                CaseDeadline.is_active.is_(True),
            )
        )
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    found = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return " ".join(found.stdout.decode().split())


@pytest.fixture
def env(session, tmp_path):
    boss = F.user(session, "admin", name="李经理")
    walker = F.user(session, "collector", name="张催收")
    c = F.case(session, boss)
    day = today()
    F.receivable(
        session, boss, c, "FP-1", "120000.00", day - timedelta(days=400), day - timedelta(days=300)
    )
    F.receivable(
        session, boss, c, "FP-2", "30000.00", day - timedelta(days=20), day + timedelta(days=40)
    )
    receivables.record_payment(
        session, boss, c, {"paid_date": day - timedelta(days=200), "amount": Decimal("20000.00")}
    )
    debtor = c.debtor
    parties.update_party(
        session, boss, debtor, {"actual_address": "苏州市吴中区木渎镇金枫路 88 号厂房"}
    )
    parties.add_contact(
        session,
        boss,
        debtor,
        {
            "name": "王强",
            "relation": "legal_rep",
            "phone": "13800001111",
            "address": "苏州市姑苏区人民路 1 号 302 室",
        },
    )
    parties.add_contact(
        session,
        boss,
        debtor,
        {
            "name": "王丽",
            "relation": "relative",
            "phone": "13900002222",
            "address": "无锡市梁溪区中山路 9 号",
        },
    )
    parties.add_contact(
        session,
        boss,
        debtor,
        {"name": "昆山工地", "relation": "work_site", "address": "昆山市玉山镇工业园 6 号"},
    )
    guarantor = F.debtor(session, boss, name="苏州恒达控股有限公司")
    parties.update_party(
        session, boss, guarantor, {"registered_address": "苏州市相城区元和街道 5 号"}
    )
    receivables.add_contract(
        session,
        boss,
        c,
        {
            "number": "HT-1",
            "kind": "sale",
            "signed_date": day - timedelta(days=500),
            "amount": Decimal("150000"),
            "guarantees": [{"party_id": guarantor.id, "guarantee_type": "joint"}],
        },
    )
    session.commit()
    store = LocalStorage(tmp_path / "objects")
    return session, boss, walker, c, store


def test_the_visit_pack_pdf_has_the_figures_and_addresses(env, tmp_path):
    session, boss, walker, c, _ = env
    visit = svc.plan_visit(
        session,
        boss,
        c,
        {
            "planned_date": today() + timedelta(days=2),
            "purpose": "催收并请其签署还款承诺书",
            "members": [
                {"user_id": walker.id, "role": "lead"},
                {"user_id": boss.id, "role": "witness"},
            ],
        },
    )
    session.commit()
    from legalcase.models import Receivable
    from legalcase.services.disputes import open_dispute

    fp2 = session.scalars(select(Receivable).where(Receivable.invoice_no == "FP-2")).one()
    open_dispute(
        session,
        boss,
        c,
        {
            "receivable_id": fp2.id,
            "reason": "quality",
            "amount": Decimal("5000.00"),
            "description": "部分货物划伤",
        },
    )
    session.commit()
    pack = build_pack(session, c, visit, today())
    claim = claim_for_case(session, c, today())
    session.refresh(c)
    assert claim.principal_outstanding == c.outstanding_amount == Decimal("130000.00")
    text = _text(pack_pdf(pack), tmp_path)
    for expected in (
        "150,000.00",  # the principal booked
        "20,000.00",  # paid
        "100,000.00",  # overdue: FP-1 less the payment; FP-2 not yet due
        "130,000.00",  # balance
        f"{claim.total:,.2f}",
        "苏州市工业园区星湖街 328 号",  # registered address
        "苏州市吴中区木渎镇金枫路 88 号厂房",
        "苏州市姑苏区人民路 1 号 302 室",  # legal representative
        "无锡市梁溪区中山路 9 号",  # relative
        "昆山市玉山镇工业园 6 号",  # work site
        "苏州恒达控股有限公司",  # the guarantor and its address
        "苏州市相城区元和街道 5 号",
        "张催收",
        "主谈",
        "还款承诺书",
        "承诺人：苏州恒达机电设备有限公司",
        "发票FP-2：质量异议",  # the dispute registered on a receivable
        "部分货物划伤",
    ):
        assert expected in text, expected
    assert "按" in pack.interest_basis  # the rate the claim used


def test_recording_the_visit_photos_and_signed_commitment(env, tmp_path):
    session, boss, walker, c, store = env
    visit = svc.plan_visit(
        session,
        boss,
        c,
        {"planned_date": today(), "members": [{"user_id": walker.id, "role": "lead"}]},
    )
    session.commit()
    before = _limitations(session, c)
    with pytest.raises(DomainError):  # photos only once the visit is recorded
        svc.add_photo(
            session,
            store,
            boss,
            visit,
            io.BytesIO(_png()),
            "p.png",
            datetime.now(UTC),
            "厂房门口",
            tmp_dir=tmp_path,
            max_bytes=2**20,
        )
    session.rollback()
    at = datetime.now(SHANGHAI).replace(second=0, microsecond=0) - timedelta(hours=1)
    svc.record_visit(
        session,
        boss,
        visit,
        {
            "visited_at": at.astimezone(UTC),
            "place": "苏州市吴中区木渎镇金枫路 88 号厂房",
            "met_person": "王强",
            "met_role": "法定代表人",
            "outcome": "promised",
            "summary": "当面催收，债务人同意分两期付款",
            "promise_amount": Decimal("50000.00"),
            "promise_due_date": today() + timedelta(days=10),
            "member_ids": [walker.id, boss.id],  # the manager went too
        },
    )
    session.commit()
    assert {(m.user_id, m.role) for m in visit.members} == {
        (walker.id, "lead"),
        (boss.id, "recorder"),
    }
    entry = session.get(LedgerEntry, visit.ledger_entry_id)
    assert (entry.channel, entry.legal_effect, entry.person_reached) == (
        "visit",
        "demand",
        "王强（法定代表人）",
    )
    assert session.scalars(select(Promise.amount)).one() == Decimal("50000.00")

    photo = svc.add_photo(
        session,
        store,
        boss,
        visit,
        io.BytesIO(_png()),
        "IMG_0001.png",
        at.astimezone(UTC),
        "厂房门口",
        tmp_dir=tmp_path,
        max_bytes=2**20,
    )
    session.commit()
    item = session.get(EvidenceItem, photo.evidence_id)
    assert item.content_type == "image/png" and "厂房门口" in item.title
    assert at.strftime("%Y-%m-%d %H:%M") in item.title
    assert [e.id for e in item.ledger_entries] == [entry.id]

    pdf = (SHARED / "fixtures" / "pdf" / "minimal-document.pdf").read_bytes()
    svc.upload_commitment(
        session,
        store,
        boss,
        visit,
        io.BytesIO(pdf),
        "承诺书.pdf",
        tmp_dir=tmp_path,
        max_bytes=2**20,
    )
    session.commit()
    session.refresh(entry)
    assert entry.legal_effect == "acknowledgment"
    assert session.get(EvidenceItem, visit.commitment_evidence_id).kind == "acknowledgment"
    after = _limitations(session, c)
    # limitation runs afresh from the day of the visit: three years on (RULES.md s.2)
    assert min(after) > min(before)
    anniversary = at.date().replace(year=at.year + 3)
    assert anniversary <= min(after) <= anniversary + timedelta(days=10)  # a holiday rolls it on
