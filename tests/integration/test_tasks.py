"""Tasks that close (issue 14 point 1): complete with a note, snooze, hand over, comment; the
ladder makes only the current rung's task, never re-creates a completed one, and makes no
collection task for a case in the court's hands."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from legalcase.domain.errors import Conflict, PermissionDenied, ValidationFailed
from legalcase.models import Task
from legalcase.services import cases as case_svc
from legalcase.services import scope
from legalcase.services import tasks as task_svc
from legalcase.services.ladder import open_tasks, run_ladder
from tests import factories as F

DUE = date(2026, 1, 31)


def _task(session, case, key="overdue30", assignee=None, due=DUE + timedelta(days=33)):
    from legalcase.models.base import utcnow

    t = Task(
        case_id=case.id,
        assignee_id=(assignee or case.owner).id,
        reason_key=key,
        title="逾期30天：提醒业务负责人跟进",
        reason="已逾期 30 天",
        due_date=due,
        created_at=utcnow(),
    )
    session.add(t)
    session.commit()
    return t


def _setup(session):
    legal = F.user(session, "legal", name="陈律师")
    owner = F.user(session, "collector", name="张伟")
    case = F.case(session, legal, owner=owner)
    F.receivable(session, legal, case, "T-1", "1000", date(2026, 1, 1), DUE)
    return legal, owner, case


def test_the_ladder_makes_only_the_current_rungs_task_and_closes_the_one_it_replaces(session):
    legal, owner, case = _setup(session)
    assert run_ladder(session, DUE + timedelta(days=30)) == 1
    assert [t.reason_key for t in open_tasks(session, user_id=owner.id)] == ["overdue30"]
    # Jumping straight to 95 days: one task (the 90-day rung), not three.
    assert run_ladder(session, DUE + timedelta(days=95)) == 1
    session.commit()
    open_now = {t.reason_key: t for t in open_tasks(session)}
    assert list(open_now) == ["overdue90"] and open_now["overdue90"].assignee_id == legal.id
    replaced = session.scalar(select(Task).where(Task.reason_key == "overdue30"))
    assert replaced.is_done and "案件已升级" in replaced.done_note


def test_a_completed_task_is_never_created_again(session):
    legal, owner, case = _setup(session)
    run_ladder(session, DUE + timedelta(days=31))
    session.commit()
    (t,) = open_tasks(session, user_id=owner.id)
    task_svc.complete_task(session, owner, t.id, "已电话联系财务，对方确认下周付款")
    session.commit()
    for day in (32, 40, 59):
        assert run_ladder(session, DUE + timedelta(days=day)) == 0
    session.commit()
    assert open_tasks(session, user_id=owner.id) == []
    done = session.get(Task, t.id)
    assert done.done_by_id == owner.id and done.done_note.startswith("已电话联系")


def test_no_collection_task_for_a_case_in_court_only_deadline_reviews(session):
    legal, owner, case = _setup(session)
    case_svc.move_stage(session, legal, case, "demand", "发函")
    case_svc.move_stage(session, legal, case, "litigation", "起诉")
    session.commit()
    assert run_ladder(session, DUE + timedelta(days=120)) == 0
    session.commit()
    assert session.scalars(select(Task)).all() == []


def test_complete_needs_a_note_and_happens_once(session):
    legal, owner, case = _setup(session)
    t = _task(session, case)
    with pytest.raises(ValidationFailed) as exc:
        task_svc.complete_task(session, owner, t.id, "  ")
    assert exc.value.fields == {"note": "请填写完成说明"}
    session.rollback()
    task_svc.complete_task(session, owner, t.id, "已发催款函")
    session.commit()
    with pytest.raises(Conflict) as exc:
        task_svc.complete_task(session, legal, t.id, "再次完成")
    assert "已由张伟完成" in exc.value.message
    session.rollback()


def test_snooze_moves_the_due_date_and_says_why(session):
    legal, owner, case = _setup(session)
    t = _task(session, case)
    today = date(2026, 3, 5)
    with pytest.raises(ValidationFailed) as exc:
        task_svc.snooze_task(session, owner, t.id, today, today, None)
    assert exc.value.fields == {"until": "延期日期须晚于今天"}
    session.rollback()
    task_svc.snooze_task(session, owner, t.id, date(2026, 3, 12), today, "客户财务出差")
    session.commit()
    t = session.get(Task, t.id)
    assert t.due_date == date(2026, 3, 12)
    assert [c.body for c in t.comments] == [
        f"延期：{DUE + timedelta(days=33)} → 2026-03-12（客户财务出差）"
    ]


def test_who_may_change_and_take_a_task(session):
    legal, owner, case = _setup(session)
    other = F.user(session, "collector", name="李娜")
    viewer = F.user(session, "viewer")
    t = _task(session, case)
    with pytest.raises(PermissionDenied):
        task_svc.complete_task(session, other, t.id, "不是我的")
    session.rollback()
    with pytest.raises(PermissionDenied):
        task_svc.comment_task(session, viewer, t.id, "看看")
    session.rollback()
    with pytest.raises(ValidationFailed) as exc:
        task_svc.reassign_task(session, owner, t.id, other.id)
    assert exc.value.fields == {"assignee_id": "催收专员只能把任务转给自己"}
    session.rollback()
    task_svc.reassign_task(session, legal, t.id, other.id)  # legal hands it over
    session.commit()
    # ...and the new assignee, not the case's owner, may now complete it.
    task_svc.complete_task(session, other, t.id, "已上门拜访")
    session.commit()
    t = session.get(Task, t.id)
    assert t.assignee_id == other.id and t.done_by_id == other.id
    assert [c.body for c in t.comments] == ["转派：张伟 → 李娜"]


def test_a_task_goes_only_to_someone_who_may_see_its_creditor(session):
    legal, owner, case = _setup(session)
    outsider = F.user(session, "collector", name="王五")
    elsewhere = F.creditor(session, "别的子公司")
    scope.set_creditor_scope(session, outsider, [elsewhere.id])
    session.commit()
    t = _task(session, case)
    with pytest.raises(ValidationFailed) as exc:
        task_svc.reassign_task(session, legal, t.id, outsider.id)
    assert "无权查看" in exc.value.fields["assignee_id"]
    session.rollback()


def test_the_team_view_counts_overdue_tasks_per_person(session):
    legal, owner, case = _setup(session)
    other = F.user(session, "collector", name="李娜")
    case2 = F.case(session, legal, owner=other)
    today = date(2026, 3, 10)
    _task(session, case, "a", due=date(2026, 3, 1))
    _task(session, case, "b", due=date(2026, 3, 5))
    _task(session, case, "c", due=date(2026, 3, 20))
    _task(session, case2, "d", due=date(2026, 3, 20))
    rows = [
        (w.user.display_name, w.open, w.overdue, w.oldest_overdue)
        for w in task_svc.team_overdue(session, today)
    ]
    assert rows == [("张伟", 3, 2, date(2026, 3, 1)), ("李娜", 1, 0, None)]
