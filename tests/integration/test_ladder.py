from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from legalcase.models import Task
from legalcase.services import ledger
from legalcase.services.ladder import open_tasks, run_ladder
from tests import factories as F

DUE = date(2026, 1, 31)


def keys(session, case):
    return sorted(
        t.reason_key for t in session.scalars(select(Task).where(Task.case_id == case.id))
    )


def test_a_case_walked_up_the_ladder_gets_exactly_the_expected_tasks(session):
    legal = F.user(session, "legal", name="陈律师")
    owner = F.user(session, "collector", name="张伟")
    case = F.case(session, legal, owner=owner)
    F.receivable(session, legal, case, "L-1", "1000", date(2026, 1, 1), DUE)
    assert run_ladder(session, DUE + timedelta(days=29)) == 0
    assert run_ladder(session, DUE + timedelta(days=30)) == 1
    assert keys(session, case) == ["overdue30"]
    assert run_ladder(session, DUE + timedelta(days=45)) == 0  # never twice for the same reason
    assert run_ladder(session, DUE + timedelta(days=60)) == 1
    assert run_ladder(session, DUE + timedelta(days=90)) == 1
    assert keys(session, case) == ["overdue30", "overdue60", "overdue90"]
    legal_task = session.scalar(select(Task).where(Task.reason_key == "overdue90"))
    assert legal_task.assignee_id == legal.id and "律师函" in legal_task.title
    # each rung's task closed when the next one came: only the current rung is open
    assert open_tasks(session, user_id=owner.id) == []
    assert [t.reason_key for t in open_tasks(session)] == ["overdue90"]


def test_a_broken_promise_moves_the_case_up_a_rung(session):
    legal = F.user(session, "legal")
    owner = F.user(session, "collector")
    case = F.case(session, legal, owner=owner)
    F.receivable(session, legal, case, "L-2", "1000", date(2026, 1, 1), DUE)
    ledger.record_contact(
        session,
        owner,
        case,
        {
            "contacted_at": datetime(2026, 2, 20, 2, tzinfo=UTC),
            "channel": "call",
            "summary": "承诺付款",
            "outcome": "promised",
            "promise_amount": Decimal("500"),
            "promise_due_date": date(2026, 2, 25),
        },
        now=datetime(2026, 2, 20, 3, tzinfo=UTC),
    )
    run_ladder(session, date(2026, 3, 5))  # 33 days overdue and the promise broke
    # the case is on the 60-day rung (one up for the broken promise): that task only
    assert keys(session, case) == ["broken_promise:1", "overdue60"]


def test_tasks_show_on_the_dashboard(client, session):
    from tests.web.test_pages import login

    owner = F.user(session, "collector", name="张伟")
    case = F.case(session, owner, owner=owner, title="仪表案件")
    F.receivable(session, owner, case, "L-3", "1000", date(2026, 1, 1), DUE)
    run_ladder(session, DUE + timedelta(days=31))
    login(client, owner)
    html = client.get("/").data.decode()
    assert "逾期30天：提醒业务负责人跟进" in html and "仪表案件" in html


def test_tasks_show_on_the_case_page(client, session):
    from tests.web.test_pages import login

    owner = F.user(session, "collector", name="张伟")
    case = F.case(session, owner, owner=owner, title="任务案件")
    F.receivable(session, owner, case, "L-4", "1000", date(2026, 1, 1), DUE)
    run_ladder(session, DUE + timedelta(days=61))
    login(client, owner)
    html = client.get(f"/cases/{case.id}").data.decode()
    assert 'id="case-tasks"' in html and "逾期60天" in html


def test_the_rungs_are_configurable():
    import pytest

    from legalcase.domain.ladder import rungs_from, tasks_for

    rungs = rungs_from("45,75,120")
    assert [r[0] for r in rungs] == [45, 75, 120] and rungs[0][2].startswith("逾期45天")
    assert [t.key for t in tasks_for(50, [], [], DUE, rungs)] == ["overdue30"]
    with pytest.raises(ValueError):
        rungs_from("90,60,30")
