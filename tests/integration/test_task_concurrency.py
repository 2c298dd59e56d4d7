"""A task is finished once: 16 clients completing the same task at once through the served
app (gunicorn, 3 workers) get one 200 and fifteen clear 409s, and the stored note is the
winner's. Snoozes and comments posted at the same time are all kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bench.concurrency import Api, admin_with_token, open_case, post_all, served
from legalcase.models import Task, TaskComment, User
from legalcase.models.base import utcnow
from legalcase.services.clock import today

CLIENTS = 16


@pytest.fixture
def server(app, database_url, tmp_path):
    token, creditor_id = admin_with_token(database_url, tmp_path / "setup")
    with served(database_url, tmp_path / "instance", workers=3) as base:
        yield Api(base, token), creditor_id


def _task(app, case_id: int) -> int:
    with app.extensions["legalcase_db"]["sessions"](write=True) as s:
        admin = s.scalar(select(User).order_by(User.id))
        t = Task(
            case_id=case_id,
            assignee_id=admin.id,
            reason_key="overdue30",
            title="逾期30天：提醒业务负责人跟进",
            reason="测试",
            due_date=today(),
            created_at=utcnow(),
        )
        s.add(t)
        s.commit()
        return t.id


def test_a_task_is_completed_once_and_every_comment_is_kept(app, server):
    api, creditor_id = server
    task_id = _task(app, open_case(api, creditor_id))
    jobs = [(f"/tasks/{task_id}/comments", {"body": f"评论 {i}"}) for i in range(24)]
    jobs += [
        (f"/tasks/{task_id}/snooze", {"until": str(today() + timedelta(days=i + 1))})
        for i in range(8)
    ]
    results = post_all(api, jobs, CLIENTS)
    assert sorted({r.status for r in results}) == [200, 201]
    results = post_all(
        api,
        [(f"/tasks/{task_id}/complete", {"note": f"完成 {i}"}) for i in range(CLIENTS)],
        CLIENTS,
    )
    ok = [r for r in results if r.status == 200]
    refused = [r for r in results if r.status != 200]
    assert len(ok) == 1
    assert {r.status for r in refused} == {409}
    assert all(r.payload["error"]["code"] == "task_done" for r in refused)
    with app.extensions["legalcase_db"]["sessions"]() as s:
        t = s.get(Task, task_id)
        assert t.is_done and t.done_note == ok[0].body["note"]
        bodies = s.scalars(select(TaskComment.body).where(TaskComment.task_id == task_id)).all()
        assert len(bodies) == 32  # 24 comments + 8 snoozes, none lost
        assert sum(b.startswith("延期：") for b in bodies) == 8
