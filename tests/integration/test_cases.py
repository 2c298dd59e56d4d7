from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from legalcase.domain.errors import DomainError, PermissionDenied, ValidationFailed
from legalcase.models import AuditEntry, Payment, Promise, Receivable, StageChange
from legalcase.services import cases, ledger, parties, receivables
from legalcase.services.promises import refresh_promises
from tests import factories as F

TODAY = date(2026, 11, 23)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_open_case_records_the_first_stage_and_audits(session):
    admin = F.user(session)
    c = F.case(session, admin)
    assert c.stage == "pre_legal"
    changes = session.scalars(select(StageChange).where(StageChange.case_id == c.id)).all()
    assert [(s.from_stage, s.to_stage, s.reason) for s in changes] == [(None, "pre_legal", "立案")]
    entries = session.scalars(select(AuditEntry).where(AuditEntry.case_id == c.id)).all()
    assert {e.entity for e in entries} >= {"cases", "stage_changes"}
    assert all(e.user_id == admin.id for e in entries)


def test_balances_and_aging_follow_receivables_and_payments(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c, "INV-1", "1000.00", date(2026, 1, 1), date(2026, 2, 1))
    F.receivable(session, admin, c, "INV-2", "500.50", date(2026, 3, 1), date(2026, 4, 1))
    assert c.outstanding_amount == Decimal("1500.50")
    assert c.oldest_unpaid_due_date == date(2026, 2, 1)
    p = receivables.record_payment(
        session, admin, c, {"paid_date": date(2026, 5, 1), "amount": Decimal("1200")}, today=TODAY
    )
    assert [(a.receivable.invoice_no, a.amount) for a in p.allocations] == [
        ("INV-1", Decimal("1000.00")),
        ("INV-2", Decimal("200.00")),
    ]
    session.expire_all()
    assert c.outstanding_amount == Decimal("300.50")
    assert c.oldest_unpaid_due_date == date(2026, 4, 1)


def test_payment_larger_than_owed_is_refused_and_nothing_written(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c, "INV-1", "1000.00")
    with pytest.raises(ValidationFailed) as err:
        receivables.record_payment(
            session,
            admin,
            c,
            {"paid_date": date(2026, 5, 1), "amount": Decimal("1000.01")},
            today=TODAY,
        )
    assert "超过尚欠金额 ¥1,000.00" in err.value.fields["amount"]
    session.rollback()
    assert _count(session, Payment) == 0
    assert session.get(Receivable, c.receivables[0].id).paid_amount == 0


def test_payment_in_the_future_or_wrong_currency_is_refused(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c)
    with pytest.raises(ValidationFailed) as err:
        receivables.record_payment(
            session,
            admin,
            c,
            {"paid_date": TODAY + timedelta(days=1), "amount": Decimal("1"), "currency": "USD"},
            today=TODAY,
        )
    assert set(err.value.fields) == {"paid_date", "currency"}


def test_duplicate_invoice_for_one_creditor_is_refused_but_allowed_for_another(session):
    admin = F.user(session)
    cred = F.creditor(session)
    c1 = F.case(session, admin, cred=cred)
    c2 = F.case(session, admin, cred=cred)
    F.receivable(session, admin, c1, "FP-2026-001")
    with pytest.raises(ValidationFailed) as err:
        F.receivable(session, admin, c2, "FP-2026-001")
    assert "FP-2026-001" in err.value.fields["invoice_no"]
    session.rollback()
    other = F.case(session, admin, cred=F.creditor(session, "上海恒信供应链管理有限公司"))
    F.receivable(session, admin, other, "FP-2026-001")
    assert _count(session, Receivable) == 2


def test_due_before_issue_and_instalments_that_do_not_add_up(session):
    admin = F.user(session)
    c = F.case(session, admin)
    with pytest.raises(ValidationFailed) as err:
        F.receivable(session, admin, c, issue=date(2026, 3, 1), due=date(2026, 2, 1))
    assert err.value.fields == {"due_date": "到期日不能早于开票日"}
    with pytest.raises(ValidationFailed) as err:
        F.receivable(
            session,
            admin,
            c,
            amount="1000.00",
            instalments=[
                {"due_date": date(2026, 4, 1), "amount": Decimal("400")},
                {"due_date": date(2026, 5, 1), "amount": Decimal("500")},
            ],
        )
    assert "¥900.00" in err.value.fields["instalments"]
    session.rollback()
    assert _count(session, Receivable) == 0


def test_instalments_set_the_due_date_and_aging(session):
    admin = F.user(session)
    c = F.case(session, admin)
    r = F.receivable(
        session,
        admin,
        c,
        amount="1000.00",
        due=date(2026, 1, 31),
        instalments=[
            {"due_date": date(2026, 3, 1), "amount": Decimal("500")},
            {"due_date": date(2026, 2, 1), "amount": Decimal("500")},
        ],
    )
    assert r.due_date == date(2026, 3, 1)  # the last instalment
    assert [i.seq for i in r.instalments] == [1, 2]
    assert c.oldest_unpaid_due_date == date(2026, 2, 1)
    receivables.record_payment(
        session, admin, c, {"paid_date": date(2026, 2, 5), "amount": Decimal("500")}, today=TODAY
    )
    assert c.oldest_unpaid_due_date == date(2026, 3, 1)


def test_illegal_stage_move_is_refused_and_not_recorded(session):
    admin = F.user(session)
    c = F.case(session, admin)
    with pytest.raises(DomainError, match="不能从"):
        cases.move_stage(session, admin, c, "enforcement", "直接执行")
    session.rollback()
    assert c.stage == "pre_legal"
    assert _count(session, StageChange) == 1
    cases.move_stage(session, admin, c, "demand", "发送律师函")
    assert [s.to_stage for s in c.stage_changes] == ["pre_legal", "demand"]


def test_viewer_and_other_collectors_cannot_change_a_case(session):
    admin = F.user(session)
    owner = F.user(session, "collector")
    other = F.user(session, "collector")
    viewer = F.user(session, "viewer")
    c = F.case(session, admin, owner=owner)
    with pytest.raises(PermissionDenied, match="只读"):
        cases.move_stage(session, viewer, c, "demand", "x")
    with pytest.raises(PermissionDenied, match="自己负责"):
        F.receivable(session, other, c)
    with pytest.raises(PermissionDenied):
        parties.create_party(session, viewer, {"kind": "person", "name": "赵六"})
    F.receivable(session, owner, c)  # the owner may
    with pytest.raises(ValidationFailed, match="分配给自己"):
        F.case(session, owner, owner=other)


def test_duplicate_or_invalid_id_code(session):
    admin = F.user(session)
    p = F.debtor(session, admin, "宁波金桥建材有限公司")
    with pytest.raises(DomainError, match="宁波金桥建材有限公司"):
        parties.create_party(
            session, admin, {"kind": "company", "name": "另一家", "id_code": p.id_code}
        )
    with pytest.raises(ValidationFailed, match="校验位"):
        parties.create_party(
            session, admin, {"kind": "person", "name": "赵六", "id_code": "110105194912310021"}
        )


def _promise(session, actor, c, amount: str, due: date, made: datetime):
    return ledger.record_contact(
        session,
        actor,
        c,
        {
            "contacted_at": made,
            "channel": "call",
            "summary": "承诺付款",
            "outcome": "promised",
            "promise_amount": Decimal(amount),
            "promise_due_date": due,
        },
        now=made + timedelta(hours=1),
    )


def test_promise_is_kept_when_the_payment_arrives(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c)
    entry = _promise(
        session, admin, c, "30000", date(2026, 6, 10), datetime(2026, 6, 1, 2, tzinfo=UTC)
    )
    receivables.record_payment(
        session,
        admin,
        c,
        {"paid_date": date(2026, 6, 5), "amount": Decimal("20000")},
        today=date(2026, 6, 5),
    )
    assert entry.promises[0].status == "open"
    receivables.record_payment(
        session,
        admin,
        c,
        {"paid_date": date(2026, 6, 9), "amount": Decimal("10000")},
        today=date(2026, 6, 9),
    )
    assert entry.promises[0].status == "kept"


def test_promise_breaks_by_itself_after_its_date(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c)
    entry = _promise(
        session, admin, c, "5000", date(2026, 6, 10), datetime(2026, 6, 1, 2, tzinfo=UTC)
    )
    assert refresh_promises(session, c, date(2026, 6, 10)) == 0
    assert refresh_promises(session, c, date(2026, 6, 11)) == 1
    session.commit()
    assert session.get(Promise, entry.promises[0].id).status == "broken"


def test_promise_needs_amount_and_date_and_no_future_contact(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c)
    now = datetime(2026, 6, 1, 2, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as err:
        ledger.record_contact(
            session,
            admin,
            c,
            {
                "contacted_at": now + timedelta(days=1),
                "channel": "call",
                "summary": "x",
                "outcome": "promised",
                "promise_amount": Decimal("1"),
            },
            now=now,
        )
    assert set(err.value.fields) == {"contacted_at", "promise_due_date"}


def test_audit_keeps_before_and_after(session):
    admin = F.user(session)
    c = F.case(session, admin)
    cases.update_case(
        session, admin, c, {"risk_level": "high", "case_number": "（2026）沪0112民初123号"}
    )
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "cases", AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.before == {"risk_level": "medium", "case_number": None}
    assert entry.after == {"risk_level": "high", "case_number": "（2026）沪0112民初123号"}
    assert entry.user_id == admin.id


def test_correcting_a_payment_reallocates_and_rechecks_promises(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c, "INV-1", "1000.00", date(2026, 1, 1), date(2026, 2, 1))
    F.receivable(session, admin, c, "INV-2", "1000.00", date(2026, 1, 1), date(2026, 3, 1))
    entry = _promise(
        session, admin, c, "1500", date(2026, 6, 10), datetime(2026, 6, 1, 2, tzinfo=UTC)
    )
    p = receivables.record_payment(
        session, admin, c, {"paid_date": date(2026, 6, 5), "amount": Decimal("1500")}, today=TODAY
    )
    assert entry.promises[0].status == "kept"
    receivables.update_payment(session, admin, p, {"amount": Decimal("150.00")}, today=TODAY)
    assert [(a.receivable.invoice_no, a.amount) for a in p.allocations] == [
        ("INV-1", Decimal("150.00"))
    ]
    assert c.outstanding_amount == Decimal("1850.00")
    assert entry.promises[0].status == "partial"  # 150 of the 1,500 promised: partly kept
    with pytest.raises(ValidationFailed, match="超过尚欠金额"):
        receivables.update_payment(session, admin, p, {"amount": Decimal("2000.01")}, today=TODAY)
    session.expire_all()
    assert session.get(Payment, p.id).amount == Decimal("150.00")
    assert c.outstanding_amount == Decimal("1850.00")


def test_correcting_a_ledger_entry_is_audited(session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c)
    entry = _promise(
        session, admin, c, "10", date(2026, 6, 10), datetime(2026, 6, 1, 2, tzinfo=UTC)
    )
    ledger.update_contact_record(
        session, admin, entry, {"summary": "对方承诺六月十日前付款", "outcome": "promised"}
    )
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "ledger_entries", AuditEntry.action == "update"
        )
    ).one()
    assert audit.before == {"summary": "承诺付款"} and audit.after == {
        "summary": "对方承诺六月十日前付款"
    }
