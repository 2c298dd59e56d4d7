from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from legalcase.domain.errors import DomainError
from legalcase.models import AuditEntry, CaseDeadline, LedgerEntry
from legalcase.services import court, deadlines, ledger, receivables
from legalcase.services.cases import PortfolioFilter, list_cases
from tests import factories as F

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def active(session, case, kind=None):
    stmt = select(CaseDeadline).where(
        CaseDeadline.case_id == case.id, CaseDeadline.is_active.is_(True)
    )
    if kind:
        stmt = stmt.where(CaseDeadline.kind == kind)
    return list(session.scalars(stmt.order_by(CaseDeadline.id)))


def test_a_receivable_gives_a_limitation_and_the_next_deadline(session):
    admin = F.user(session)
    c = F.case(session, admin)
    r = F.receivable(session, admin, c, "FP-1", "1000", date(2025, 1, 1), date(2025, 3, 31))
    (lim,) = active(session, c, "limitation")
    assert lim.source_key == f"receivable:{r.id}"
    assert lim.due_date == date(2028, 3, 31)
    assert "发票FP-1" in lim.basis
    session.refresh(c)
    assert c.next_deadline_date == date(2028, 3, 31)


def test_a_demand_counts_from_its_arrival_in_the_same_transaction(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c, "FP-1", "1000", date(2023, 1, 1), date(2023, 6, 30))
    entry = ledger.record_contact(
        session,
        admin,
        c,
        {
            "contacted_at": datetime(2025, 2, 10, 2, tzinfo=UTC),
            "channel": "letter",
            "summary": "寄送律师函",
            "outcome": "reached",
            "legal_effect": "demand",
        },
        now=NOW,
    )
    # a letter with no known arrival does not count yet
    assert active(session, c, "limitation")[0].due_date == date(2026, 6, 30)
    ledger.update_contact_record(session, admin, entry, {"arrival_date": date(2025, 2, 13)})
    lim = active(session, c, "limitation")[0]
    assert lim.unadjusted_date == date(2028, 2, 13)
    assert "2025-02-13催告送达" in lim.basis


def test_nothing_is_written_when_the_deadline_refresh_fails(session, monkeypatch):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "refresh_case", broken)
    with pytest.raises(RuntimeError):
        ledger.record_contact(
            session,
            admin,
            c,
            {
                "contacted_at": datetime(2026, 5, 1, tzinfo=UTC),
                "channel": "call",
                "summary": "x",
                "outcome": "reached",
                "legal_effect": "acknowledgment",
            },
            now=NOW,
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_promises_and_payments_are_acknowledgments(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c, "FP-1", "1000", date(2023, 1, 1), date(2023, 6, 30))
    receivables.record_payment(
        session,
        admin,
        c,
        {"paid_date": date(2024, 8, 1), "amount": Decimal("100")},
        today=date(2026, 11, 23),
    )
    assert active(session, c, "limitation")[0].unadjusted_date == date(2027, 8, 1)
    ledger.record_contact(
        session,
        admin,
        c,
        {
            "contacted_at": datetime(2025, 9, 1, 2, tzinfo=UTC),
            "channel": "call",
            "summary": "承诺付款",
            "outcome": "promised",
            "promise_amount": Decimal("100"),
            "promise_due_date": date(2025, 9, 30),
        },
        now=NOW,
    )
    assert active(session, c, "limitation")[0].unadjusted_date == date(2028, 9, 1)


def test_court_events_give_deadlines_and_corrections_supersede_without_deleting(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c, "FP-1", "1000", date(2023, 1, 1), date(2023, 6, 30))
    court.add_court_event(session, admin, c, {"kind": "filing", "event_date": date(2024, 3, 1)})
    lim = active(session, c, "limitation")[0]
    assert lim.status == "interrupted_by_proceedings" and lim.due_date is None
    judgment = court.add_court_event(
        session,
        admin,
        c,
        {
            "kind": "judgment",
            "served_date": date(2026, 9, 28),
            "performance_due": date(2026, 10, 20),
        },
        today=date(2026, 11, 23),
    )
    assert active(session, c, "appeal")[0].due_date == date(2026, 10, 13)
    assert active(session, c, "enforcement_application")[0].due_date == date(2028, 10, 20)
    court.update_court_event(
        session,
        admin,
        judgment,
        {"kind": "ruling", "performance_due": None},
        today=date(2026, 11, 23),
    )
    assert active(session, c, "appeal")[0].due_date == date(2026, 10, 8)  # 10 days: 10-08
    assert active(session, c, "enforcement_application") == []
    gone = session.scalars(
        select(CaseDeadline).where(CaseDeadline.kind == "enforcement_application")
    ).all()
    assert len(gone) == 1 and gone[0].is_active is False


def test_court_event_input_is_checked(session):
    admin = F.user(session)
    c = F.case(session, admin)
    with pytest.raises(DomainError) as err:
        court.add_court_event(
            session,
            admin,
            c,
            {
                "kind": "preservation",
                "event_date": date(2026, 1, 5),
                "expires_date": date(2026, 1, 1),
            },
            today=date(2026, 11, 23),
        )
    assert set(err.value.fields) == {"asset_kind", "expires_date"}


def test_guarantee_and_handled_deadlines(session):
    admin = F.user(session)
    c = F.case(session, admin)
    guarantor = F.debtor(session, admin, "担保人有限公司")
    contract = receivables.add_contract(
        session,
        admin,
        c,
        {
            "number": "HT-1",
            "kind": "sale",
            "signed_date": date(2026, 1, 1),
            "amount": Decimal("1000"),
            "guarantees": [{"party_id": guarantor.id, "guarantee_type": "joint"}],
        },
    )
    F.receivable(
        session,
        admin,
        c,
        "FP-1",
        "1000",
        date(2026, 1, 1),
        date(2026, 8, 31),
        contract_id=contract.id,
    )
    (g,) = active(session, c, "guarantee_period")
    assert (
        g.due_date == date(2027, 2, 28) and g.source_key == f"guarantee:{contract.guarantees[0].id}"
    )
    session.refresh(c)
    assert c.next_deadline_date == date(2027, 2, 28)
    with pytest.raises(DomainError, match="处理"):
        deadlines.mark_handled(session, admin, g.id, " ")
    deadlines.mark_handled(session, admin, g.id, "已于 2026-11-20 向保证人寄送催告函")
    session.refresh(c)
    assert c.next_deadline_date == date(2029, 8, 31)  # the limitation is next now
    viewer = F.user(session, "viewer")
    with pytest.raises(DomainError):
        deadlines.mark_handled(session, viewer, g.id, "x")


def test_portfolio_by_next_deadline_and_refresh_all(session):
    admin = F.user(session)
    soon = F.case(session, admin, title="快到期")
    F.receivable(session, admin, soon, "A", "100", date(2023, 1, 1), date(2023, 12, 25))
    later = F.case(session, admin, title="不急")
    F.receivable(session, admin, later, "B", "100", date(2026, 1, 1), date(2026, 6, 30))
    rows, _ = list_cases(session, PortfolioFilter(sort="deadline"), date(2026, 11, 23))
    assert [c.title for c in rows] == ["快到期", "不急"]
    rows, total = list_cases(session, PortfolioFilter(deadline_within=60), date(2026, 11, 23))
    assert total == 1 and rows[0].title == "快到期"
    session.execute(CaseDeadline.__table__.delete())
    session.commit()
    cases, changed = deadlines.refresh_all(session, date(2026, 11, 23))
    assert cases == 2 and changed == 2
    assert deadlines.refresh_all(session, date(2026, 11, 23)) == (2, 0)


# ---- which receivables an event reaches (issue 12 point 1, RULES s.2) -------------------


def _two_invoices(session):
    admin = F.user(session)
    c = F.case(session, admin)
    a = F.receivable(session, admin, c, "FP-A", "1000", date(2023, 1, 1), date(2023, 6, 30))
    b = F.receivable(session, admin, c, "FP-B", "1000", date(2023, 2, 1), date(2023, 7, 31))
    return admin, c, a, b


def _limitation_of(session, receivable) -> CaseDeadline:
    (row,) = (
        d
        for d in active(session, receivable.case, "limitation")
        if d.source_key == f"receivable:{receivable.id}"
    )
    return row


def test_a_part_payment_restarts_only_the_invoice_it_is_allocated_to(session):
    admin, c, a, b = _two_invoices(session)
    receivables.record_payment(
        session,
        admin,
        c,
        {"paid_date": date(2025, 3, 3), "amount": Decimal("100"), "receivable_id": a.id},
        today=date(2026, 11, 23),
    )
    assert _limitation_of(session, a).unadjusted_date == date(2028, 3, 3)
    assert _limitation_of(session, b).unadjusted_date == date(2026, 7, 31)  # untouched
    assert "2025-03-03部分履行" not in _limitation_of(session, b).basis


def test_a_demand_naming_one_invoice_restarts_only_that_one(session):
    admin, c, a, b = _two_invoices(session)
    demand = {
        "contacted_at": datetime(2025, 4, 1, 2, tzinfo=UTC),
        "channel": "letter",
        "summary": "律师函：催收发票 FP-A",
        "outcome": "reached",
        "legal_effect": "demand",
        "arrival_date": date(2025, 4, 3),
    }
    entry = ledger.record_contact(session, admin, c, {**demand, "receivable_ids": [a.id]}, now=NOW)
    assert entry.receivable_ids == [a.id]
    assert _limitation_of(session, a).unadjusted_date == date(2028, 4, 3)
    assert _limitation_of(session, b).unadjusted_date == date(2026, 7, 31)
    # naming none reaches every invoice ("all sums owed")
    ledger.update_contact_record(session, admin, entry, {"receivable_ids": []})
    assert _limitation_of(session, b).unadjusted_date == date(2028, 4, 3)
    named = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "ledger_entry_receivables")
    ).all()
    assert [(a.action, a.case_id) for a in named] == [("create", c.id), ("delete", c.id)]
    # another case's invoice cannot be named
    other = F.case(session, admin, title="另案")
    stranger = F.receivable(session, admin, other, "FP-X", "10", date(2024, 1, 1), date(2024, 2, 1))
    with pytest.raises(DomainError) as err:
        ledger.update_contact_record(session, admin, entry, {"receivable_ids": [stranger.id]})
    assert set(err.value.fields) == {"receivable_ids"}


def test_the_ledger_form_names_receivables_with_a_multi_select(client, session):
    admin, c, a, b = _two_invoices(session)
    r = client.post("/login", data={"username": admin.username, "password": F.PASSWORD})
    assert r.status_code == 302
    html = client.get(f"/cases/{c.id}/ledger/new").data.decode()
    assert 'select multiple class="form-select" id="f-receivable_ids"' in html
    assert "发票 FP-A" in html and "发票 FP-B" in html
    r = client.post(
        f"/cases/{c.id}/ledger/new",
        data={
            "contacted_at": "2025-04-01 10:00",
            "channel": "letter",
            "summary": "对账单：FP-A",
            "outcome": "reached",
            "legal_effect": "demand",
            "arrival_date": "2025-04-03",
            "receivable_ids": [str(a.id)],
        },
    )
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    entry = session.scalars(select(LedgerEntry).where(LedgerEntry.case_id == c.id)).one()
    assert entry.receivable_ids == [a.id]
    assert _limitation_of(session, b).unadjusted_date == date(2026, 7, 31)
    html = client.get(f"/ledger/{entry.id}/edit").data.decode()
    assert f'<option value="{a.id}" selected>' in html
    assert f'<option value="{b.id}" >' in html


def test_enforcement_court_events_give_the_general_guarantors_limitation(session):
    admin = F.user(session)
    c = F.case(session, admin)
    guarantor = F.debtor(session, admin, "一般保证人有限公司")
    contract = receivables.add_contract(
        session,
        admin,
        c,
        {
            "number": "HT-G",
            "kind": "sale",
            "signed_date": date(2023, 6, 1),
            "amount": Decimal("1000"),
            "guarantees": [{"party_id": guarantor.id, "guarantee_type": "general"}],
        },
    )
    F.receivable(
        session,
        admin,
        c,
        "FP-G",
        "1000",
        date(2023, 7, 1),
        date(2024, 1, 31),
        contract_id=contract.id,
    )
    today = date(2026, 11, 23)
    court.add_court_event(session, admin, c, {"kind": "filing", "event_date": date(2024, 3, 1)})
    court.add_court_event(
        session,
        admin,
        c,
        {"kind": "judgment", "served_date": date(2024, 9, 2), "performance_due": date(2024, 9, 30)},
        today=today,
    )
    (g,) = active(session, c, "guarantor_limitation")
    assert g.due_date is None and g.status == "running"  # no enforcement yet
    applied = court.add_court_event(
        session, admin, c, {"kind": "enforcement_applied", "event_date": date(2025, 1, 10)}, today
    )
    (g,) = active(session, c, "guarantor_limitation")
    assert g.unadjusted_date == date(2029, 1, 10)  # 1 year after the application, then 3 years
    assert "2026-01-10" in g.basis
    (e,) = active(session, c, "enforcement_application")
    assert e.status == "satisfied"
    court.add_court_event(
        session,
        admin,
        c,
        {"kind": "enforcement_terminated", "event_date": date(2025, 6, 20)},
        today,
    )
    (g,) = active(session, c, "guarantor_limitation")
    assert g.unadjusted_date == date(2028, 6, 20) and "终结执行裁定" in g.basis
    assert applied.kind == "enforcement_applied"
    with pytest.raises(DomainError) as err:
        court.add_court_event(session, admin, c, {"kind": "enforcement_applied"}, today)
    assert set(err.value.fields) == {"event_date"}
