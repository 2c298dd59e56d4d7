"""Tasks on the screens and the API: a collector finishes, snoozes, hands over and comments
on a task, and the system remembers who did what."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from legalcase.models import Task
from legalcase.models.base import utcnow
from legalcase.services import auth
from legalcase.services.clock import today
from tests import factories as F
from tests.web.security import login, served_app


def _task(session, case, assignee, key="overdue30", days_late=3):
    t = Task(
        case_id=case.id,
        assignee_id=assignee.id,
        reason_key=key,
        title="逾期30天：提醒业务负责人跟进",
        reason="已逾期 33 天",
        due_date=today() - timedelta(days=days_late),
        created_at=utcnow(),
    )
    session.add(t)
    session.commit()
    return t


def _served(database_url, tmp_path):
    app = served_app(database_url, tmp_path / "served")
    return app, app.test_client()


def test_a_collector_completes_a_task_from_the_dashboard(session, database_url, tmp_path):
    owner = F.user(session, "collector", name="张伟")
    case = F.case(session, owner, owner=owner, title="恒达货款")
    t = _task(session, case, owner)
    app, client = _served(database_url, tmp_path)
    login(client, owner)
    dashboard = client.get("/").get_data(as_text=True)
    assert f'href="/tasks/{t.id}"' in dashboard
    page = client.get(f"/tasks/{t.id}").get_data(as_text=True)
    assert "逾期 3 天" in page and 'id="complete-form"' in page
    r = client.post(f"/tasks/{t.id}/complete", data={"note": ""})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'data-field="note">必填' in page
    r = client.post(f"/tasks/{t.id}/complete", data={"note": "已电话联系，对方承诺周五付款"})
    assert r.status_code == 302
    page = client.get(f"/tasks/{t.id}").get_data(as_text=True)
    assert "已完成" in page and "已电话联系，对方承诺周五付款" in page and "张伟" in page
    assert 'id="complete-form"' not in page
    assert f'href="/tasks/{t.id}"' not in client.get("/").get_data(as_text=True)
    done = client.get("/tasks?status=done").get_data(as_text=True)
    assert "恒达货款" in done
    r = client.post(f"/tasks/{t.id}/snooze", data={"until": "2099-01-01"})
    assert r.status_code == 422 and "该任务已由张伟完成" in r.get_data(as_text=True)
    app.extensions["legalcase_db"]["engine"].dispose()


def test_snooze_hand_over_and_comment_on_the_screens(session, database_url, tmp_path):
    legal = F.user(session, "legal", name="陈律师")
    owner = F.user(session, "collector", name="张伟")
    other = F.user(session, "collector", name="李娜")
    case = F.case(session, legal, owner=owner)
    t = _task(session, case, owner)
    app, client = _served(database_url, tmp_path)
    login(client, legal)
    r = client.post(f"/tasks/{t.id}/snooze", data={"until": str(today()), "reason": "x"})
    assert r.status_code == 422 and "延期日期须晚于今天" in r.get_data(as_text=True)
    later = today() + timedelta(days=7)
    assert (
        client.post(
            f"/tasks/{t.id}/snooze", data={"until": str(later), "reason": "对方财务出差"}
        ).status_code
        == 302
    )
    assert client.post(f"/tasks/{t.id}/assign", data={"assignee_id": other.id}).status_code == 302
    assert (
        client.post(f"/tasks/{t.id}/comments", data={"body": "请先核对对账单"}).status_code == 302
    )
    page = client.get(f"/tasks/{t.id}").get_data(as_text=True)
    assert "对方财务出差" in page and "转派：张伟 → 李娜" in page and "请先核对对账单" in page
    team = client.get("/tasks/team").get_data(as_text=True)
    assert "李娜" in team
    session.rollback()
    session.expire_all()
    stored = session.get(Task, t.id)
    assert (stored.due_date, stored.assignee_id) == (later, other.id)
    app.extensions["legalcase_db"]["engine"].dispose()


def test_the_tasks_api(session, database_url, tmp_path):
    legal = F.user(session, "legal", name="陈律师")
    owner = F.user(session, "collector", name="张伟")
    case = F.case(session, legal, owner=owner)
    t1 = _task(session, case, owner, "a")
    t2 = _task(session, case, legal, "b", days_late=0)
    token = auth.issue_token(session, owner, "api")
    session.commit()
    app, client = _served(database_url, tmp_path)
    h = {"Authorization": f"Bearer {token}"}
    items = client.get(f"/api/v1/tasks?assignee={owner.id}", headers=h).json["items"]
    assert [i["id"] for i in items] == [t1.id]
    assert [i["id"] for i in client.get("/api/v1/tasks", headers=h).json["items"]] == [t1.id, t2.id]
    r = client.get("/api/v1/tasks?status=later", headers=h)
    assert r.status_code == 400 and "status" in r.json["error"]["fields"]
    r = client.post(
        f"/api/v1/tasks/{t1.id}/snooze", json={"until": str(today() + timedelta(days=3))}, headers=h
    )
    assert r.status_code == 200 and r.json["due_date"] == str(today() + timedelta(days=3))
    r = client.patch(f"/api/v1/tasks/{t1.id}", json={"assignee_id": legal.id}, headers=h)
    assert r.status_code == 400 and r.json["error"]["fields"]["assignee_id"]
    r = client.post(f"/api/v1/tasks/{t1.id}/comments", json={"body": "已发微信"}, headers=h)
    assert r.status_code == 201 and r.json["body"] == "已发微信"
    r = client.post(f"/api/v1/tasks/{t1.id}/complete", json={"note": "已收到付款凭证"}, headers=h)
    assert r.status_code == 200 and r.json["is_done"] and r.json["done_by_id"] == owner.id
    assert [c["body"] for c in r.json["comments"]][-1] == "已发微信"
    r = client.post(f"/api/v1/tasks/{t1.id}/complete", json={"note": "again"}, headers=h)
    assert r.status_code == 409 and r.json["error"]["code"] == "task_done"
    done = client.get("/api/v1/tasks?status=done", headers=h).json["items"]
    assert [i["id"] for i in done] == [t1.id]
    assert client.get("/api/v1/tasks/999999", headers=h).status_code == 404
    session.rollback()
    assert session.scalar(select(Task.is_done).where(Task.id == t2.id)) is False
    app.extensions["legalcase_db"]["engine"].dispose()
