"""The screens of issue 17 points 4-6 through the test client: forms refuse bad input beside
the field with nothing saved, a viewer may read but not write, and a package belongs to the
user who made it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from legalcase.models import Asset, AssetFreeze, FilingPackage, Visit
from legalcase.services.clock import today
from tests import factories as F
from tests.integration.test_missed_deadlines import login


def test_register_and_visit_pages(client, session):
    boss = F.user(session, "admin")
    viewer = F.user(session, "viewer")
    c = F.case(session, boss)
    F.receivable(
        session,
        boss,
        c,
        "FP-1",
        "5000.00",
        today() - timedelta(days=90),
        today() - timedelta(days=30),
    )
    login(client, boss)
    r = client.post(
        f"/cases/{c.id}/assets/new",
        data={
            "party_id": c.debtor_id,
            "kind": "vehicle",
            "description": "",
            "source": "走访",
            "found_date": str(today() + timedelta(days=1)),
        },
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "发现日期不能晚于今天" in page or "必填" in page
    assert session.scalar(select(func.count()).select_from(Asset)) == 0
    r = client.post(
        f"/cases/{c.id}/assets/new",
        data={
            "party_id": c.debtor_id,
            "kind": "vehicle",
            "description": "沪A12345 重型货车",
            "location": "苏州园区停车场",
            "source": "走访",
            "found_date": str(today()),
        },
    )
    assert r.status_code == 302
    page = client.get(f"/cases/{c.id}/assets").get_data(as_text=True)
    assert "沪A12345 重型货车" in page and "车辆" in page
    asset = session.scalars(select(Asset)).one()
    r = client.post(
        f"/assets/{asset.id}/freeze",
        data={
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591财保3号",
            "event_date": str(today()),
        },
    )
    assert r.status_code == 302
    assert "（2026）苏0591财保3号" in client.get(f"/cases/{c.id}/assets").get_data(as_text=True)
    freeze = session.scalars(select(AssetFreeze)).one()
    form = client.get(f"/freezes/{freeze.id}/edit").get_data(as_text=True)
    assert "（2026）苏0591财保3号" in form
    later = today() + timedelta(days=800)
    r = client.post(
        f"/freezes/{freeze.id}/edit",
        data={
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591财保3号之一",
            "event_date": str(today()),
            "expires_date": str(later),
        },
    )
    assert r.status_code == 302
    page = client.get(f"/cases/{c.id}/assets").get_data(as_text=True)
    assert "（2026）苏0591财保3号之一" in page and f"保全期限届满：{later}" in page
    r = client.post(
        f"/cases/{c.id}/visits/new", data={"planned_date": str(today()), "lead_id": boss.id}
    )
    assert r.status_code == 302
    visit = session.scalars(select(Visit)).one()
    page = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "苏州市工业园区星湖街 328 号" in page and "5,000.00" in page
    r = client.get(f"/visits/{visit.id}/pack.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    # photos before the visit is recorded: refused, shown on the page
    r = client.post(
        f"/visits/{visit.id}/photos", data={"taken_at": "2026-11-20 10:00", "place": "门口"}
    )
    assert r.status_code == 422
    client.get("/logout")
    login(client, viewer)
    assert client.get(f"/cases/{c.id}/assets").status_code == 200
    assert client.get(f"/visits/{visit.id}").status_code == 200
    assert (
        client.post(
            f"/cases/{c.id}/visits/new", data={"planned_date": str(today()), "lead_id": boss.id}
        ).status_code
        == 403
    )


def test_packages_page_refuses_no_case_and_hides_others_packages(client, session):
    boss = F.user(session, "admin")
    other = F.user(session, "legal")
    login(client, boss)
    r = client.post("/packages", data={"as_of": str(today())})
    assert r.status_code == 422 and "请至少选择一个案件" in r.get_data(as_text=True)
    from legalcase.models.base import utcnow

    mine = FilingPackage(
        court="某法院",
        as_of=today(),
        status="done",
        storage_key="packages/x",
        created_by_id=other.id,
        created_at=utcnow(),
    )
    session.add(mine)
    session.commit()
    assert client.get(f"/packages/{mine.id}/download").status_code == 404


def test_a_user_limited_to_one_creditor_does_not_reach_another_creditors_register(
    session, database_url, tmp_path
):
    from legalcase.services import assets as asset_svc
    from legalcase.services.scope import set_creditor_scope
    from tests.web.security import served_app

    boss = F.user(session, "admin")
    ours, theirs = (
        F.case(session, boss, title="本集团案件"),
        F.case(session, boss, title="他方案件"),
    )
    asset_svc.add_asset(
        session,
        boss,
        theirs,
        {
            "party_id": theirs.debtor_id,
            "kind": "equity",
            "description": "他方股权",
            "source": "工商查询",
            "found_date": today(),
        },
    )
    theirs.court = ours.court = "上海市闵行区人民法院"
    session.commit()
    limited = F.user(session, "admin")
    set_creditor_scope(session, limited, [ours.creditor_id], actor=boss)
    session.commit()
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    login(client, limited)
    assert client.get(f"/cases/{ours.id}/assets").status_code == 200
    assert client.get(f"/cases/{theirs.id}/assets").status_code == 404
    assert client.get(f"/cases/{theirs.id}/visits").status_code == 404
    page = client.get("/packages").get_data(as_text=True)
    assert "本集团案件" in page and "他方案件" not in page
    r = client.post("/packages", data={"case_ids": [str(theirs.id)], "as_of": str(today())})
    assert r.status_code == 422  # not found within the user's scope: nothing made
    app.extensions["legalcase_db"]["engine"].dispose()


def test_the_freeze_form_before_suit_has_pre_suit_checked_and_says_what_it_means(client, session):
    from legalcase.models import CourtEvent
    from tests.integration.test_missed_deadlines import row

    boss = F.user(session, "admin")
    c = F.case(session, boss)
    login(client, boss)
    r = client.post(
        f"/cases/{c.id}/assets/new",
        data={
            "party_id": c.debtor_id,
            "kind": "bank_account",
            "description": "工行基本户",
            "source": "走访",
            "found_date": str(today()),
        },
    )
    assert r.status_code == 302
    asset = session.scalars(select(Asset)).one()
    form = client.get(f"/assets/{asset.id}/freeze").get_data(as_text=True)
    box = form.split('id="f-is_pre_suit"', 1)[1].split(">", 1)[0]
    assert "checked" in box  # the case is not sued yet: 诉前保全
    assert "30 日内起诉或申请仲裁" in form and "诉前保全后起诉期限" in form
    start = today() - timedelta(days=2)
    r = client.post(
        f"/assets/{asset.id}/freeze",
        data={
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591财保9号",
            "event_date": str(start),
            "is_pre_suit": "true",
        },
    )
    assert r.status_code == 302
    assert row(session, c, "sue_after_preservation").due_date == start + timedelta(days=30)
    # unchecking it on the correction form makes it 诉中: the deadline to sue goes
    freeze = session.scalars(select(AssetFreeze)).one()
    r = client.post(
        f"/freezes/{freeze.id}/edit",
        data={
            "court_name": "苏州工业园区人民法院",
            "document_number": "（2026）苏0591财保9号",
            "event_date": str(start),
        },
    )
    assert r.status_code == 302
    session.expire_all()
    assert session.get(CourtEvent, freeze.court_event_id).is_pre_suit is False
