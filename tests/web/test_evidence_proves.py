"""Issue 14 point 8: the demand or acknowledgment an upload proves is saved, shown on the
evidence page and on the ledger row, and can be linked and unlinked later (custody logged,
the evidence itself unchanged)."""

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from legalcase.models import CustodyEvent, EvidenceItem
from legalcase.services import ledger
from tests import factories as F
from tests.web.test_evidence_pages import upload
from tests.web.test_pages import login


def _demand(session, admin, case, summary="律师函催告", day=2):
    entry = ledger.record_contact(
        session,
        admin,
        case,
        {
            "contacted_at": datetime(2026, 11, day, 2, tzinfo=UTC),
            "channel": "letter",
            "summary": summary,
            "outcome": "reached",
            "legal_effect": "demand",
            "arrival_date": date(2026, 11, day + 2),
        },
    )
    session.commit()
    return entry


def _ledger_cell(client, case_id) -> str:
    html = client.get(f"/cases/{case_id}?tab=ledger").data.decode()
    table = html.split('id="ledger"', 1)[1].split("</table>", 1)[0]
    return table


def _interruption_row(client, case_id, entry_id) -> str:
    html = client.get(f"/cases/{case_id}/evidence").data.decode()
    return html.split(f'id="entry-{entry_id}"', 1)[1].split("</tr>", 1)[0]


def test_upload_saves_which_demand_it_proves_and_the_ledger_row_turns_proven(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    entry = _demand(session, admin, case)
    other = _demand(session, admin, case, summary="第二次催告", day=12)
    login(client, admin)

    ledger_html = _ledger_cell(client, case.id)
    assert ledger_html.count("仅有记录") == 2 and "已有证据" not in ledger_html
    assert "选择证明它的证据" in _interruption_row(client, case.id, entry.id)

    r = upload(
        client,
        case.id,
        b"EMS 1234567890 signed 2026-11-04",
        "ems.txt",
        "delivery_proof",
        title="EMS 签收单",
        ledger_entry_ids=str(entry.id),
    )
    assert r.status_code == 200
    item = session.scalar(select(EvidenceItem))
    assert [e.id for e in item.ledger_entries] == [entry.id]  # saved
    html = r.data.decode()
    # shown on the evidence list (the item says what it proves) and on the interruption row
    row = html.split(f'id="evidence-{item.id}"', 1)[1].split("</tr>", 1)[0]
    assert f'href="#entry-{entry.id}"' in row and "证明 2026-11-02 催告" in row
    proof_row = _interruption_row(client, case.id, entry.id)
    assert "有证据证明" in proof_row and "EMS 签收单" in proof_row
    assert "仅有记录" in _interruption_row(client, case.id, other.id)

    ledger_html = _ledger_cell(client, case.id)
    assert ledger_html.count("已有证据：EMS 签收单") == 1 and ledger_html.count("仅有记录") == 1
    assert re.search(rf'href="/cases/{case.id}/evidence#evidence-{item.id}"', ledger_html)


def test_link_and_unlink_an_existing_item(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    entry = _demand(session, admin, case)
    login(client, admin)
    upload(client, case.id, b"EMS 99 signed", "ems.txt", "delivery_proof", title="签收单")
    upload(client, case.id, b"contract text", "c.txt", "contract", title="合同")
    proof, contract = session.scalars(select(EvidenceItem).order_by(EvidenceItem.id)).all()
    before = (proof.sha256, proof.storage_key, proof.title, proof.size)
    assert "仅有记录" in _ledger_cell(client, case.id)

    r = client.post(
        f"/cases/{case.id}/evidence/link",
        data={"evidence_id": proof.id, "ledger_entry_id": entry.id},
        follow_redirects=True,
    )
    assert "已关联：签收单 证明 2026-11-02 催告" in r.data.decode()
    assert "已有证据：签收单" in _ledger_cell(client, case.id)

    # a contract is no proof of a demand's delivery: linked, but the row stays "record only"
    client.post(
        f"/cases/{case.id}/evidence/link",
        data={"evidence_id": contract.id, "ledger_entry_id": entry.id},
    )
    # linking twice is refused with a message, nothing saved twice
    r = client.post(
        f"/cases/{case.id}/evidence/link",
        data={"evidence_id": proof.id, "ledger_entry_id": entry.id},
    )
    assert r.status_code == 422 and "已关联这条催收记录" in r.data.decode()

    r = client.post(
        f"/cases/{case.id}/evidence/unlink",
        data={"evidence_id": proof.id, "ledger_entry_id": entry.id},
        follow_redirects=True,
    )
    assert "已取消关联：签收单" in r.data.decode()
    cell = _ledger_cell(client, case.id)
    assert "已有证据" not in cell and "仅有记录（已关联的证据不足以证明）" in cell
    client.post(
        f"/cases/{case.id}/evidence/unlink",
        data={"evidence_id": contract.id, "ledger_entry_id": entry.id},
    )
    assert "仅有记录，缺少证据" in _ledger_cell(client, case.id)

    session.rollback()
    proof = session.get(EvidenceItem, proof.id)
    assert (proof.sha256, proof.storage_key, proof.title, proof.size) == before
    assert proof.ledger_entries == []
    events = session.execute(
        select(CustodyEvent.action, CustodyEvent.evidence_id, CustodyEvent.detail)
        .where(CustodyEvent.action.in_(("link", "unlink")))
        .order_by(CustodyEvent.id)
    ).all()
    assert [(a, i) for a, i, _ in events] == [
        ("link", proof.id),
        ("link", contract.id),
        ("unlink", proof.id),
        ("unlink", contract.id),
    ]
    assert all(d == {"ledger_entry_id": entry.id} for _, _, d in events)


def test_links_only_to_this_cases_entries_with_a_legal_effect(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    other_case = F.case(session, admin, title="另一案")
    foreign = _demand(session, admin, other_case)
    plain = ledger.record_contact(
        session,
        admin,
        case,
        {
            "contacted_at": datetime(2026, 11, 3, 2, tzinfo=UTC),
            "channel": "phone",
            "summary": "电话未接",
            "outcome": "no_answer",
        },
    )
    session.commit()
    login(client, admin)
    upload(client, case.id, b"EMS 99 signed", "ems.txt", "delivery_proof")
    item = session.scalar(select(EvidenceItem))
    for entry_id, said in ((foreign.id, "请选择本案的催收记录"), (plain.id, "没有时效效果")):
        r = client.post(
            f"/cases/{case.id}/evidence/link",
            data={"evidence_id": item.id, "ledger_entry_id": entry_id},
        )
        assert r.status_code == 422 and said in r.data.decode()
    session.rollback()
    assert session.get(EvidenceItem, item.id).ledger_entries == []
    viewer = F.user(session, "viewer")
    login(client, viewer)
    r = client.post(
        f"/cases/{case.id}/evidence/unlink",
        data={"evidence_id": item.id, "ledger_entry_id": foreign.id},
    )
    assert r.status_code == 403
