"""Several guarantors per contract (issue 14 point 6): each joint or general with its own
guarantee period, its own deadline, named in the filings and the lawyer's letter, listed on
its own page, in the API, and seen by a creditor-scoped user through the case."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from docx import Document
from sqlalchemy import select

from legalcase.domain.errors import ValidationFailed
from legalcase.models import AuditEntry, CaseDeadline, EvidenceItem, LedgerEntry, User
from legalcase.models.cases import ContractGuarantee
from legalcase.models.parties import Party
from legalcase.services import court, documents, ledger, parties, receivables, scope
from legalcase.services.auth import issue_token
from storage import LocalStorage
from tests import factories as F

AS_OF = date(2026, 11, 20)


def _deadlines(session, case, kind="guarantee_period"):
    return list(
        session.scalars(
            select(CaseDeadline)
            .where(
                CaseDeadline.case_id == case.id,
                CaseDeadline.kind == kind,
                CaseDeadline.is_active.is_(True),
            )
            .order_by(CaseDeadline.due_date)
        )
    )


def _two_guarantors(session, user, cred=None):
    """A case whose contract HT-G2 has a joint guarantor (no agreed period) and a general
    guarantor (agreed until 2027-06-30); its one invoice fell due on 2026-03-31."""
    case = F.case(session, user, cred=cred, title="恒达货款（两保证人）")
    case.court = "上海市闵行区人民法院"
    joint = F.debtor(session, user, "连带保证有限公司")
    general = F.debtor(session, user, "一般保证有限公司")
    contract = receivables.add_contract(
        session,
        user,
        case,
        {
            "number": "HT-G2",
            "kind": "sale",
            "signed_date": date(2025, 12, 1),
            "amount": Decimal("200000"),
            "guarantees": [
                {"party_id": joint.id, "guarantee_type": "joint"},
                {
                    "party_id": general.id,
                    "guarantee_type": "general",
                    "period_end": date(2027, 6, 30),
                },
            ],
        },
    )
    F.receivable(
        session,
        user,
        case,
        "FP-G2",
        "150000.00",
        date(2026, 1, 31),
        date(2026, 3, 31),
        contract_id=contract.id,
    )
    session.commit()
    return case, contract, joint, general


def test_each_guarantor_has_its_own_guarantee_deadline(session):
    admin = F.user(session)
    case, contract, joint, general = _two_guarantors(session, admin)
    first, second = _deadlines(session, case)
    # the joint guarantor: no agreed period -> six months from the due date (CC 692)
    assert first.due_date == date(2026, 9, 30)
    assert "连带保证有限公司（连带责任保证）" in first.basis and "六个月" in first.basis
    # the general guarantor: its agreed period
    assert second.due_date == date(2027, 6, 30)
    assert "一般保证有限公司（一般保证）" in second.basis and "约定的保证期间" in second.basis
    assert {first.source_key, second.source_key} == {
        f"guarantee:{g.id}" for g in contract.guarantees
    }

    # removing the general guarantor ends its guarantee (kept, audited) and its deadline
    receivables.update_contract(
        session,
        admin,
        contract,
        {"guarantees": [{"party_id": joint.id, "guarantee_type": "joint"}]},
    )
    session.commit()
    (left,) = _deadlines(session, case)
    assert left.due_date == date(2026, 9, 30)
    ended = session.scalar(
        select(ContractGuarantee).where(ContractGuarantee.party_id == general.id)
    )
    assert ended.ended_at is not None
    assert session.scalar(
        select(AuditEntry.id).where(
            AuditEntry.entity == "contract_guarantees", AuditEntry.entity_id == ended.id
        )
    )


def test_a_guarantor_is_named_once_and_never_the_debtor(session):
    admin = F.user(session)
    case, contract, joint, _ = _two_guarantors(session, admin)
    for items, field in (
        ([{"party_id": case.debtor_id, "guarantee_type": "joint"}], "保证人不能是债务人本人"),
        (
            [
                {"party_id": joint.id, "guarantee_type": "joint"},
                {"party_id": joint.id, "guarantee_type": "general"},
            ],
            "同一保证人重复填写",
        ),
    ):
        try:
            receivables.update_contract(session, admin, contract, {"guarantees": items})
        except Exception as exc:  # noqa: BLE001 - the message is what the user reads
            session.rollback()
            assert field in str(exc.fields)
        else:
            raise AssertionError("accepted")
    session.refresh(contract)
    assert len(contract.guarantees) == 2


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_complaint_preservation_and_letter_name_every_guarantor(app, session, tmp_path):
    legal = F.user(session, "legal")
    case, *_ = _two_guarantors(session, legal)
    store = LocalStorage(tmp_path / "objects")
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    texts = {}
    for kind in ("complaint", "preservation_application", "lawyer_letter"):
        doc = documents.generate(
            session, store, legal, case, kind, as_of=AS_OF, config=config, override_reason="测试"
        )
        with store.open(doc.storage_key) as fh:
            texts[kind] = _text(fh.read())
    complaint = texts["complaint"]
    assert "被告二：连带保证有限公司" in complaint and "被告三：一般保证有限公司" in complaint
    assert "判令被告二连带保证有限公司对上述债务承担连带清偿责任（连带责任保证）" in complaint
    assert "判令被告三一般保证有限公司对被告一" in complaint
    assert "强制执行后仍不能履行的部分承担清偿责任（一般保证）" in complaint
    assert "一般保证有限公司提供一般保证，约定保证期间至2027年6月30日" in complaint
    preservation = texts["preservation_application"]
    assert "被申请人二：连带保证有限公司" in preservation
    assert "被申请人三：一般保证有限公司" in preservation
    # each guarantor's block says what guarantee it gave
    for text in (complaint, preservation):
        lines = text.splitlines()
        second = next(x for x in lines if "二：连带保证有限公司" in x)
        third = next(x for x in lines if "三：一般保证有限公司" in x)
        assert second.endswith("（保证人，连带责任保证）")
        assert third.endswith("（保证人，一般保证）")
    # after an effective judgment, the enforcement application names each guarantor to check
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
            "document_number": "（2026）沪0112民初1号民事判决书",
            "awarded_principal": Decimal("150000.00"),
        },
        today=AS_OF,
    )
    session.commit()
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        "enforcement_application",
        as_of=AS_OF,
        config=config,
        override_reason="测试",
    )
    with store.open(doc.storage_key) as fh:
        enforcement = _text(fh.read())
    assert "被执行人（保证人，连带责任保证）：连带保证有限公司" in enforcement
    assert "被执行人（保证人，一般保证）：一般保证有限公司" in enforcement
    letter = texts["lawyer_letter"]
    assert "四、保证责任。下列保证人为上述债务提供保证" in letter
    assert "保证人：连带保证有限公司（连带责任保证）" in letter
    assert "保证人：一般保证有限公司（一般保证，约定保证期间至2027年6月30日）" in letter


def _login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302


def test_the_guarantors_page_lists_what_it_guarantees(client, session):
    admin = F.user(session)
    case, contract, joint, general = _two_guarantors(session, admin)
    _login(client, admin)
    html = client.get(f"/parties/{general.id}").get_data(as_text=True)
    assert "担保的合同" in html and "HT-G2" in html
    assert f'href="/cases/{case.id}' in html and case.title in html
    assert case.creditor.name in html and "一般保证" in html
    assert "2027-06-30" in html and "进行中" in html
    assert "¥150,000.00" in html or "150,000.00" in html  # the case's one amount owed
    # the case page shows both guarantors, each linking to its page
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/parties/{joint.id}"' in page and f'href="/parties/{general.id}"' in page
    # the case's deadlines and the calendar name whose guarantee each deadline is
    assert "合同HT-G2，保证人连带保证有限公司（连带责任保证）" in page
    assert "合同HT-G2，保证人一般保证有限公司（一般保证）" in page
    month = client.get("/deadlines?month=2027-06").get_data(as_text=True)
    assert "保证期间（合同HT-G2，保证人一般保证有限公司（一般保证））" in month
    # the joint guarantor's period ended on 2026-09-30, unhandled: listed first, as passed
    assert "保证期间（合同HT-G2，保证人连带保证有限公司（连带责任保证））" in month
    # the change of a guarantee is in the case's history, in words
    receivables.update_contract(
        session,
        admin,
        contract,
        {
            "guarantees": [
                {"party_id": joint.id, "guarantee_type": "general"},
                {
                    "party_id": general.id,
                    "guarantee_type": "general",
                    "period_end": date(2027, 6, 30),
                },
            ]
        },
    )
    session.commit()
    audit = client.get(f"/cases/{case.id}?tab=audit").get_data(as_text=True)
    assert "保证方式：连带责任保证 → 一般保证" in audit and "<td>保证 #" in audit
    # a party that guarantees nothing says so
    html = client.get(f"/parties/{case.debtor_id}").get_data(as_text=True)
    assert "未为任何合同提供保证" in html


def test_the_contract_form_adds_and_removes_guarantors(client, session):
    admin = F.user(session)
    case, contract, joint, general = _two_guarantors(session, admin)
    third = F.debtor(session, admin, "第三保证人有限公司")
    _login(client, admin)
    form = client.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    assert 'name="guarantees-0-party_id"' in form and 'name="guarantees-3-party_id"' in form
    data = {
        "number": "HT-G2",
        "kind": "sale",
        "signed_date": "2025-12-01",
        "amount": "200000",
        "currency": "CNY",
        "late_fee_type": "none",
        "governing_law": "CN",
        "dispute_resolution": "court",
        "guarantees-0-party_id": str(joint.id),
        "guarantees-0-guarantee_type": "joint",
        "guarantees-0-period_end": "2026-12-31",
        "guarantees-1-party_id": str(general.id),
        "guarantees-1-guarantee_type": "general",
        "guarantees-1-remove": "1",
        "guarantees-2-party_id": str(third.id),
        "guarantees-2-guarantee_type": "general",
        "guarantees-3-party_id": "",
    }
    r = client.post(f"/contracts/{contract.id}/edit", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)
    session.expire_all()
    got = {(g.party_id, g.guarantee_type, g.period_end) for g in contract.guarantees}
    assert got == {(joint.id, "joint", date(2026, 12, 31)), (third.id, "general", None)}
    # the debtor chosen as guarantor: refused beside the field, nothing saved
    data["guarantees-2-party_id"] = str(case.debtor_id)
    r = client.post(f"/contracts/{contract.id}/edit", data=data)
    assert r.status_code == 422
    assert "保证人不能是债务人本人" in r.get_data(as_text=True)
    session.expire_all()
    assert case.debtor_id not in {g.party_id for g in contract.guarantees}


def test_guarantees_through_the_api(app, session):
    admin = F.user(session)
    case = F.case(session, admin)
    a = F.debtor(session, admin, "甲保证人")
    b = F.debtor(session, admin, "乙保证人")
    token = issue_token(session, admin)
    session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "number": "HT-API",
        "kind": "sale",
        "signed_date": "2025-01-10",
        "amount": "1000.00",
        "late_fee_type": "none",
        "governing_law": "CN",
        "dispute_resolution": "court",
        "guarantees": [
            {"party_id": a.id, "guarantee_type": "joint", "period_end": "2027-01-31"},
            {"party_id": b.id, "guarantee_type": "general"},
        ],
    }
    r = client.post(f"/api/v1/cases/{case.id}/contracts", json=body, headers=headers)
    assert r.status_code == 201, r.json
    got = [(g["party_id"], g["guarantee_type"], g["period_end"]) for g in r.json["guarantees"]]
    assert got == [(a.id, "joint", "2027-01-31"), (b.id, "general", None)]
    assert r.json["guarantees"][0]["party_name"] == "甲保证人"
    cid = r.json["id"]
    # a PATCH without guarantees keeps them; with a list, it is the new set
    r = client.patch(f"/api/v1/contracts/{cid}", json={"number": "HT-API-2"}, headers=headers)
    assert r.status_code == 200 and len(r.json["guarantees"]) == 2
    r = client.patch(
        f"/api/v1/contracts/{cid}",
        json={"guarantees": [{"party_id": b.id, "guarantee_type": "joint"}]},
        headers=headers,
    )
    assert r.status_code == 200
    assert [(g["party_id"], g["guarantee_type"]) for g in r.json["guarantees"]] == [(b.id, "joint")]
    r = client.get(f"/api/v1/cases/{case.id}/contracts", headers=headers)
    assert [g["party_name"] for g in r.json["items"][0]["guarantees"]] == ["乙保证人"]
    # a bad row: the error names the row and the field
    r = client.patch(
        f"/api/v1/contracts/{cid}",
        json={"guarantees": [{"party_id": case.debtor_id, "guarantee_type": "joint"}]},
        headers=headers,
    )
    assert r.status_code == 400
    assert r.json["error"]["fields"] == {"guarantees.0.party_id": "保证人不能是债务人本人"}


def test_a_scoped_user_sees_the_guarantors_of_its_creditors_cases_only(session):
    admin = F.user(session)
    north, south = F.creditor(session, "北方公司"), F.creditor(session, "南方公司")
    seen_case, _, joint, general = _two_guarantors(session, admin, cred=north)
    hidden_case = F.case(session, admin, cred=south, title="南方案件")
    hidden = F.debtor(session, admin, "南方保证人")
    receivables.add_contract(
        session,
        admin,
        hidden_case,
        {
            "number": "HT-S",
            "kind": "sale",
            "signed_date": date(2025, 1, 1),
            "amount": Decimal("1000"),
            "guarantees": [{"party_id": hidden.id, "guarantee_type": "joint"}],
        },
    )
    loose = F.debtor(session, admin, "无案件当事人")
    collector = F.user(session, "collector")
    scope.set_creditor_scope(session, collector, [north.id], actor=admin)
    session.commit()
    ids = (joint.id, general.id, hidden.id, loose.id)
    scope.apply_scope(session, session.get(User, collector.id))
    try:
        session.expire_all()
        visible = set(session.scalars(select(Party.id).where(Party.id.in_(ids))))
        guarantees = set(session.scalars(select(ContractGuarantee.party_id)))
    finally:
        scope.apply_scope(session, None)
    assert visible == {joint.id, general.id, loose.id}
    assert guarantees == {joint.id, general.id}


def test_a_demand_through_one_guarantors_contact_keeps_that_guarantee_only(session):
    admin = F.user(session)
    case, contract, joint, general = _two_guarantors(session, admin)
    person = parties.add_contact(
        session,
        admin,
        general,
        {"name": "一般保证人财务", "relation": "finance", "phone": "13900000001"},
    )
    debtor_contact = parties.add_contact(
        session,
        admin,
        case.debtor,
        {"name": "债务人财务", "relation": "finance", "phone": "13900000002"},
    )
    session.commit()
    entry = {
        "contacted_at": datetime(2026, 5, 6, 2, 0, tzinfo=UTC),
        "channel": "letter",
        "summary": "向保证人寄送催告函",
        "outcome": "reached",
        "legal_effect": "demand",
        "addressee": "guarantor",
        "arrival_date": date(2026, 5, 8),
    }
    # the debtor's contact is no way to reach a guarantor
    try:
        ledger.record_contact(session, admin, case, {**entry, "contact_id": debtor_contact.id})
    except ValidationFailed as exc:
        session.rollback()
        assert exc.fields["contact_id"] == "向保证人催告时，请选择该保证人的联系人"
    else:
        raise AssertionError("accepted")
    ledger.record_contact(session, admin, case, {**entry, "contact_id": person.id})
    session.commit()
    by_guarantor = {d.basis.split("：")[0]: d.status for d in _deadlines(session, case)}
    assert (
        by_guarantor
        == {
            "合同HT-G2，保证人一般保证有限公司（一般保证）": "running",  # a general guarantee needs a suit
            "合同HT-G2，保证人连带保证有限公司（连带责任保证）": "lost",  # not demanded in its period
        }
    )
    # the joint guarantor demanded in its period: satisfied, its limitation starts
    mine = parties.add_contact(
        session, admin, joint, {"name": "连带保证人", "relation": "other", "phone": "13900000003"}
    )
    ledger.record_contact(session, admin, case, {**entry, "contact_id": mine.id})
    session.commit()
    statuses = {d.basis.split("：")[0]: d.status for d in _deadlines(session, case)}
    assert statuses["合同HT-G2，保证人连带保证有限公司（连带责任保证）"] == "satisfied"
    (limitation,) = _deadlines(session, case, "guarantor_limitation")
    assert limitation.due_date == date(2029, 5, 8) and "连带保证有限公司" in limitation.basis


def test_an_email_to_one_guarantor_is_a_demand_on_that_guarantor(client, session):
    admin = F.user(session)
    case, contract, joint, general = _two_guarantors(session, admin)
    contact = parties.add_contact(
        session,
        admin,
        joint,
        {"name": "保证人财务", "relation": "finance", "email": "cw@joint.example.cn"},
    )
    session.commit()
    mail = (
        b"From: legal@huadong.example.com\r\nTo: <cw@joint.example.cn>\r\nSubject: guarantee\r\n"
        b"Date: Wed, 10 Jun 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nPlease pay as guarantor.\r\n"
    )
    _login(client, admin)
    client.post(
        f"/cases/{case.id}/evidence",
        data={"kind": "email", "file": (io.BytesIO(mail), "mail.eml")},
        content_type="multipart/form-data",
    )
    item = session.scalar(select(EvidenceItem))
    r = client.post(f"/evidence/{item.id}/as-demand")
    assert r.status_code == 302
    session.expire_all()
    entry = session.scalar(select(LedgerEntry))
    assert (entry.addressee, entry.contact_id) == ("guarantor", contact.id)
    statuses = {d.basis.split("：")[0]: d.status for d in _deadlines(session, case)}
    assert statuses == {
        "合同HT-G2，保证人连带保证有限公司（连带责任保证）": "satisfied",
        "合同HT-G2，保证人一般保证有限公司（一般保证）": "running",
    }
