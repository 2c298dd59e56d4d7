"""Repayment plans (issue 17 point 1): instalments kept, late or broken by the payments, a
reminder task before each, the acknowledgment in the ledger, and acceleration: a missed
instalment, after the grace days, makes the whole balance due, and limitation runs from then.

Dates are relative to today (the plan's status and its deadlines are judged as of today).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from legalcase.domain.errors import DomainError
from legalcase.domain.periods import add_years
from legalcase.domain.plans import Due, track
from legalcase.domain.values import InstalmentStatus, PlanStatus
from legalcase.models import CaseDeadline, LedgerEntry, Task
from legalcase.services import plans, receivables
from legalcase.services.clock import today as clock_today
from legalcase.services.ladder import run_ladder
from tests import factories as F

TODAY = clock_today()
AGREED = TODAY - timedelta(days=80)  # instalments 50 and 20 days ago, in 10 days
DUE1, DUE2, DUE3 = (AGREED + timedelta(days=30 * i) for i in (1, 2, 3))


def test_track_kept_late_broken_and_acceleration():
    dues = [
        Due(1, date(2026, 1, 31), Decimal("9000"), Decimal("1000")),
        Due(2, date(2026, 2, 28), Decimal("9000"), Decimal("1000")),
        Due(3, date(2026, 3, 31), Decimal("9000"), Decimal("1000")),
    ]
    paid = [(date(2026, 1, 30), Decimal("10000")), (date(2026, 3, 4), Decimal("10000"))]
    # second instalment paid 4 days late, within 5 days' grace; the third never paid
    state = track(date(2026, 1, 5), dues, paid, 5, date(2026, 4, 10))
    assert [t.status for t in state.instalments] == [
        InstalmentStatus.KEPT,
        InstalmentStatus.LATE,
        InstalmentStatus.BROKEN,
    ]
    assert state.status == PlanStatus.ACCELERATED
    assert state.accelerated_due == date(2026, 4, 5) and state.broken_seq == 3
    assert state.balance == Decimal("10000")
    # a day before the grace ends the third is only overdue; paid before the agreement: ignored
    early = track(date(2026, 1, 5), dues, [(date(2026, 1, 2), Decimal("30000"))], 5,
                  date(2026, 4, 5))  # fmt: skip
    assert early.instalments[0].status == InstalmentStatus.BROKEN
    on_time = track(date(2026, 1, 5), dues, paid[:1], 5, date(2026, 3, 3))
    assert [t.status for t in on_time.instalments] == [
        InstalmentStatus.KEPT,
        InstalmentStatus.GRACE,
        InstalmentStatus.OPEN,
    ]
    assert on_time.status == PlanStatus.ACTIVE and on_time.end_date == date(2026, 3, 31)


@pytest.fixture
def owed_case(session):
    legal = F.user(session, "legal", name="陈律师")
    case = F.case(session, legal)
    due = AGREED - timedelta(days=200)
    F.receivable(session, legal, case, "FP-1", "30000.00", due - timedelta(days=60), due)
    return session, legal, case, due


def _plan(session, legal, case, grace=5):
    plan = plans.create_plan(
        session,
        legal,
        case,
        {
            "agreed_date": AGREED,
            "grace_days": grace,
            "remind_days": 3,
            "instalments": [
                {"due_date": d, "principal": Decimal("10000.00"), "interest": Decimal("300.00")}
                for d in (DUE1, DUE2, DUE3)
            ],
        },
    )
    session.commit()
    return plan


def _limitation(session, case):
    return session.scalar(
        select(CaseDeadline).where(
            CaseDeadline.case_id == case.id, CaseDeadline.kind == "limitation"
        )
    )


def _pay(session, actor, case, day, amount):
    receivables.record_payment(session, actor, case, {"paid_date": day, "amount": Decimal(amount)})
    session.commit()


def test_plan_is_an_acknowledgment_with_reminders_and_its_instalments_followed(owed_case):
    session, legal, case, due = owed_case
    _pay(session, legal, case, DUE1 - timedelta(days=1), "10300.00")  # first: on time
    plan = _plan(session, legal, case)
    entry = session.get(LedgerEntry, plan.ledger_entry_id)
    assert entry.legal_effect == "acknowledgment" and "签订还款协议" in entry.summary
    # reminders only for the instalments still ahead, 3 days before each (or today)
    tasks = session.scalars(select(Task).where(Task.case_id == case.id)).all()
    reminders = {t.reason_key: t for t in tasks if t.reason_key.startswith("plan:")}
    assert set(reminders) == {f"plan:{plan.id}:3"}
    assert reminders[f"plan:{plan.id}:3"].due_date == DUE3 - timedelta(days=3)
    assert "还款提醒" in reminders[f"plan:{plan.id}:3"].title
    # the second instalment paid 3 days late (within 5 days' grace): late, not broken
    _pay(session, legal, case, DUE2 + timedelta(days=3), "10300.00")
    [view] = plans.case_plans(session, case.id)
    statuses = [t.status for t in view.state.instalments]
    assert statuses == [InstalmentStatus.KEPT, InstalmentStatus.LATE, InstalmentStatus.OPEN]
    assert view.state.status == PlanStatus.ACTIVE
    # limitation: from the last instalment's due date (CC 189), not the invoice's
    lim = _limitation(session, case)
    assert lim.unadjusted_date == add_years(DUE3, 3)
    assert f"最后一期于{DUE3}到期" in lim.basis and f"自{DUE3}起算3年" in lim.basis


def test_missed_instalment_accelerates_the_balance_and_the_limitation(owed_case):
    session, legal, case, due = owed_case
    _pay(session, legal, case, DUE1, "10300.00")
    _plan(session, legal, case, grace=5)  # the second instalment is never paid
    [view] = plans.case_plans(session, case.id)
    assert [t.status for t in view.state.instalments][:2] == [
        InstalmentStatus.KEPT,
        InstalmentStatus.BROKEN,
    ]
    assert view.state.status == PlanStatus.ACCELERATED
    assert view.state.accelerated_due == DUE2 + timedelta(days=5)
    assert view.to_json()["accelerated_due"] == (DUE2 + timedelta(days=5)).isoformat()
    lim = _limitation(session, case)
    assert lim.unadjusted_date == add_years(DUE2 + timedelta(days=5), 3)
    assert "第2期未按期履行，宽限期5日届满" in lim.basis and "加速到期" in lim.basis
    # the daily ladder tells the owner, once
    run_ladder(session)
    run_ladder(session)
    session.commit()
    [task] = session.scalars(
        select(Task).where(Task.case_id == case.id, Task.reason_key.like("%:accelerated"))
    ).all()
    assert task.title == "还款协议违约：剩余款项已全部到期"
    assert f"剩余 20,600.00 已于{DUE2 + timedelta(days=5)}全部到期" in task.reason


def test_plan_refused_with_reasons_and_nothing_written(owed_case):
    session, legal, case, due = owed_case
    with pytest.raises(DomainError) as exc:
        plans.create_plan(
            session,
            legal,
            case,
            {
                "agreed_date": AGREED,
                "instalments": [
                    {"due_date": AGREED - timedelta(days=1), "principal": Decimal("40000.00")}
                ],
            },
        )
    message = exc.value.fields["instalments"]
    assert "还款日不能早于协议签订日" in message
    session.rollback()
    with pytest.raises(DomainError) as exc:
        plans.create_plan(
            session,
            legal,
            case,
            {
                "agreed_date": AGREED,
                "instalments": [{"due_date": DUE1, "principal": Decimal(40000)}],
            },
        )
    assert "超过签订协议时尚欠的本金 30,000.00" in exc.value.fields["instalments"]
    session.rollback()
    assert plans.case_plans(session, case.id) == []


def test_repayment_agreement_document_carries_the_recorded_instalments(app, owed_case, tmp_path):
    import io

    from docx import Document

    from docgen.chinese import chinese_date
    from legalcase.services import documents
    from storage import LocalStorage

    session, legal, case, due = owed_case
    _plan(session, legal, case)
    store = LocalStorage(tmp_path / "objects")
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        "repayment_agreement",
        as_of=TODAY,
        config={**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")},
        override_reason="测试生成",
    )
    session.commit()
    with store.open(doc.storage_key) as fh:
        word = Document(io.BytesIO(fh.read()))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in word.paragraphs] + cells)
    for day in (DUE1, DUE2, DUE3):
        assert chinese_date(day) in text
    assert text.count("10,300.00") >= 3  # each instalment: principal 10,000 + interest 300
