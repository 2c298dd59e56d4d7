"""Allocation on the screens and the API: bulk reassignment from the portfolio (all or
nothing), who may give cases to whom, the rules screen under 设置, the workload card."""

from __future__ import annotations

from urllib.parse import unquote

from sqlalchemy import select

from legalcase.models import AllocationLog, AllocationRule, Case, CollectorCapacity
from legalcase.models.base import utcnow
from legalcase.services import auth
from legalcase.services.scope import set_creditor_scope
from tests import factories as F
from tests.web.security import login, served_app


def _served(database_url, tmp_path):
    app = served_app(database_url, tmp_path / "served")
    return app, app.test_client()


def _owner_names(session, cases) -> list[str]:
    session.rollback()
    session.expire_all()
    return [session.get(Case, c.id).owner.display_name for c in cases]


def test_bulk_reassignment_from_the_portfolio(session, database_url, tmp_path):
    admin = F.user(session, "admin", name="管理员")
    zhang = F.user(session, "collector", name="张伟")
    li = F.user(session, "collector", name="李娜")
    cases = [F.case(session, admin, owner=zhang, title=f"货款{i}") for i in range(3)]
    app, client = _served(database_url, tmp_path)
    login(client, admin)
    page = client.get("/cases").get_data(as_text=True)
    assert 'id="bulk-assign"' in page and f'name="case_ids" value="{cases[0].id}"' in page
    assert f'<option value="{li.id}">李娜</option>' in page
    r = client.post(
        "/cases/assign",
        data={
            "case_ids": [cases[0].id, cases[2].id],
            "assignee_id": li.id,
            "next": "/cases?q=货款",
        },
    )
    assert r.status_code == 302 and unquote(r.location).endswith("/cases?q=货款")
    assert "已将 2 件案件分配给李娜" in client.get(r.location).get_data(as_text=True)
    assert _owner_names(session, cases) == ["李娜", "张伟", "李娜"]
    log = session.scalars(select(AllocationLog).order_by(AllocationLog.case_id)).all()
    assert [(e.case_id, e.from_user_id, e.to_user_id, e.by_user_id, e.method) for e in log] == [
        (cases[0].id, zhang.id, li.id, admin.id, "manual"),
        (cases[2].id, zhang.id, li.id, admin.id, "manual"),
    ]
    settings = client.get("/settings/allocation").get_data(as_text=True)
    assert "货款0" in settings and "手工分配" in settings and "管理员" in settings
    app.extensions["legalcase_db"]["engine"].dispose()


def test_nothing_moves_when_the_receiver_may_not_see_one_cases_creditor(
    session, database_url, tmp_path
):
    admin = F.user(session, "admin", name="管理员")
    zhang = F.user(session, "collector", name="张伟")
    li = F.user(session, "collector", name="李娜")
    east, west = F.creditor(session, "华东公司"), F.creditor(session, "华西公司")
    set_creditor_scope(session, li, [east.id], admin)
    session.commit()
    ok = F.case(session, admin, owner=zhang, cred=east, title="华东货款")
    hidden = F.case(session, admin, owner=zhang, cred=west, title="华西货款")
    app, client = _served(database_url, tmp_path)
    login(client, admin)
    r = client.post("/cases/assign", data={"case_ids": [ok.id, hidden.id], "assignee_id": li.id})
    assert r.status_code == 302
    page = client.get(r.location).get_data(as_text=True)
    assert f"李娜无权查看案件“华西货款”（#{hidden.id}）的债权主体，未分配任何案件" in page
    assert _owner_names(session, [ok, hidden]) == ["张伟", "张伟"]
    assert session.scalars(select(AllocationLog)).all() == []
    app.extensions["legalcase_db"]["engine"].dispose()


def test_a_collector_takes_waiting_cases_only_for_themselves(session, database_url, tmp_path):
    admin = F.user(session, "admin", name="管理员")
    zhang = F.user(session, "collector", name="张伟")
    li = F.user(session, "collector", name="李娜")
    waiting = F.case(session, admin, owner=admin, title="待分配案")
    mine = F.case(session, admin, owner=zhang, title="张伟的案")
    theirs = F.case(session, admin, owner=li, title="李娜的案")
    # given to a legal user by hand once: in legal's hands, not waiting
    legal = F.user(session, "legal", name="陈律师")
    kept = F.case(session, admin, owner=legal, title="法务的案")
    session.add(
        AllocationLog(
            case_id=kept.id, to_user_id=legal.id, by_user_id=admin.id, method="manual", at=utcnow()
        )
    )
    session.commit()
    app, client = _served(database_url, tmp_path)
    login(client, zhang)
    page = client.get("/cases").get_data(as_text=True)
    assert f'<option value="{zhang.id}">张伟（我）</option>' in page
    assert f'<option value="{li.id}">' not in page
    r = client.post("/cases/assign", data={"case_ids": [mine.id], "assignee_id": li.id})
    assert r.status_code == 403 and "催收专员只能把案件分配给自己" in r.get_data(as_text=True)
    r = client.post(
        "/cases/assign", data={"case_ids": [waiting.id, theirs.id], "assignee_id": zhang.id}
    )
    assert r.status_code == 403
    assert "李娜的案" in r.get_data(as_text=True)
    r = client.post("/cases/assign", data={"case_ids": [kept.id], "assignee_id": zhang.id})
    assert r.status_code == 403 and "法务的案" in r.get_data(as_text=True)
    assert _owner_names(session, [waiting, mine, theirs, kept]) == [
        "管理员",
        "张伟",
        "李娜",
        "陈律师",
    ]
    r = client.post("/cases/assign", data={"case_ids": [waiting.id], "assignee_id": zhang.id})
    assert r.status_code == 302
    assert _owner_names(session, [waiting]) == ["张伟"]
    # the settings screen is for admins and legal staff only
    assert client.get("/settings/allocation").status_code == 403
    assert client.post("/settings/allocation/run").status_code == 403
    assert "分案规则" not in client.get("/").get_data(as_text=True)
    app.extensions["legalcase_db"]["engine"].dispose()


def test_rules_screen_capacity_run_and_workload_card(session, database_url, tmp_path):
    legal = F.user(session, "legal", name="陈律师")
    viewer = F.user(session, "viewer", name="审计")
    zhang = F.user(session, "collector", name="张伟")
    cred = F.creditor(session, "华东公司")
    cases = [F.case(session, legal, owner=legal, cred=cred, title=f"新案{i}") for i in range(3)]
    app, client = _served(database_url, tmp_path)

    login(client, viewer)
    assert client.get("/settings/allocation").status_code == 403
    assert client.get("/settings/allocation/rules/new").status_code == 403
    client.post("/logout")

    login(client, legal)
    assert "分案规则" in client.get("/").get_data(as_text=True)  # the 设置 menu entry
    page = client.get("/settings/allocation").get_data(as_text=True)
    assert "待分配 3 件" in page and "还没有分案规则" in page
    r = client.post(
        "/settings/allocation/rules/new",
        data={"name": "华东", "priority": "10", "member_ids": [], "creditor_id": str(cred.id)},
    )
    assert r.status_code == 422 and "请至少选择一名催收员" in r.get_data(as_text=True)
    r = client.post(
        "/settings/allocation/rules/new",
        data={
            "name": "华东",
            "priority": "10",
            "creditor_id": str(cred.id),
            "tiers": ["current", "1-30"],
            "min_amount": "0",
            "max_amount": "1,000,000",
            "regions": "苏州市、上海市",
            "member_ids": [str(zhang.id)],
            "is_active": "true",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    session.rollback()
    rule = session.scalars(select(AllocationRule)).one()
    assert (rule.regions, rule.tiers, rule.is_active) == ("苏州、上海", "current,1-30", True)
    page = client.get("/settings/allocation").get_data(as_text=True)
    assert "债权主体：华东公司" in page and "地区：苏州、上海" in page and "张伟" in page
    r = client.post(
        "/settings/allocation/capacity", data={"user_id": zhang.id, "max_open_cases": "-1"}
    )
    assert "应为不小于 0 的整数" in client.get(r.location).get_data(as_text=True)
    client.post("/settings/allocation/capacity", data={"user_id": zhang.id, "max_open_cases": "2"})
    session.rollback()
    assert session.get(CollectorCapacity, zhang.id).max_open_cases == 2
    # the debtors are in 苏州: the rule matches all three; 张伟 takes two
    r = client.post("/settings/allocation/run")
    assert "已按规则分配 2 件案件；1 件未能分配" in client.get(r.location).get_data(as_text=True)
    assert sorted(_owner_names(session, cases)) == ["张伟", "张伟", "陈律师"]
    # disabling the rule: the edit form keeps its values, unchecked 启用 turns it off
    form = client.get(f"/settings/allocation/rules/{rule.id}").get_data(as_text=True)
    assert 'value="苏州、上海"' in form and "checked" in form
    r = client.post(
        f"/settings/allocation/rules/{rule.id}",
        data={"name": "华东", "priority": "10", "member_ids": [str(zhang.id)]},
    )
    assert r.status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get(AllocationRule, rule.id).is_active is False

    board = client.get("/").get_data(as_text=True)
    assert 'id="workload"' in board and "催收员工作量" in board and "2 / 2" in board
    client.post("/logout")
    login(client, zhang)
    board = client.get("/").get_data(as_text=True)
    assert "我的工作量" in board and "陈律师" not in board.split('id="workload"')[1]
    app.extensions["legalcase_db"]["engine"].dispose()


def test_assign_and_log_through_the_api(session, database_url, tmp_path):
    admin = F.user(session, "admin", name="管理员")
    zhang = F.user(session, "collector", name="张伟")
    li = F.user(session, "collector", name="李娜")
    c1 = F.case(session, admin, owner=zhang)
    c2 = F.case(session, admin, owner=zhang, title="第二案")
    session.add(CollectorCapacity(user_id=li.id, max_open_cases=1))
    session.commit()
    admin_token, zhang_token = auth.issue_token(session, admin), auth.issue_token(session, zhang)
    session.commit()
    app, client = _served(database_url, tmp_path)

    def api(method, url, token, json=None):
        return client.open(
            f"/api/v1{url}", method=method, json=json, headers={"Authorization": f"Bearer {token}"}
        )

    r = api(
        "POST", "/cases/assign", admin_token, {"case_ids": [c1.id, c2.id], "assignee_id": li.id}
    )
    assert r.status_code == 409 and r.json["error"]["code"] == "over_capacity"
    assert "第二案" in r.json["error"]["message"] and "未分配任何案件" in r.json["error"]["message"]
    assert _owner_names(session, [c1, c2]) == ["张伟", "张伟"]
    r = api("POST", "/cases/assign", admin_token, {"case_ids": [], "assignee_id": li.id})
    assert r.status_code == 400 and "case_ids" in r.json["error"]["fields"]
    r = api("POST", "/cases/assign", zhang_token, {"case_ids": [c1.id], "assignee_id": li.id})
    assert r.status_code == 403
    r = api("POST", "/cases/assign", admin_token, {"case_ids": [c1.id], "assignee_id": li.id})
    assert r.status_code == 200
    [entry] = r.json["items"]
    assert (entry["case_id"], entry["from_user_id"], entry["to_user_id"]) == (
        c1.id,
        zhang.id,
        li.id,
    )
    assert entry["method"] == "manual" and entry["by_user_id"] == admin.id
    r = api("GET", f"/allocation-log?case={c1.id}", zhang_token)
    assert r.status_code == 200 and [e["id"] for e in r.json["items"]] == [entry["id"]]
    assert api("GET", f"/allocation-log?case={c2.id}", admin_token).json["items"] == []
    assert api("GET", "/allocation-log?limit=0", admin_token).status_code == 400
    app.extensions["legalcase_db"]["engine"].dispose()
