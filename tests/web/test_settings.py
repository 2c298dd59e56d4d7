"""Settings screens for administrators (issue 14 point 5): users, the firm, the ladder.
Everyone else is refused (403); every change is in the audit log."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy import select

from legalcase.cli import main
from legalcase.models import ApiToken, AuditEntry, FirmProfile, LadderRung, User
from legalcase.services import auth, settings
from tests import factories as F

PAGES = ["/settings/users", "/settings/firm", "/settings/ladder"]


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302, r.data.decode()


def _audited(session, entity, entity_id, actor) -> list[AuditEntry]:
    session.rollback()
    return list(
        session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == entity,
                AuditEntry.entity_id == entity_id,
                AuditEntry.user_id == actor.id,
            )
        )
    )


def _png(size=(120, 120), fmt="PNG") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 20, 20)).save(buf, fmt)
    return buf.getvalue()


@pytest.mark.parametrize("role", ["legal", "collector", "viewer"])
def test_only_admins_reach_the_settings_screens(client, session, role):
    user = F.user(session, role)
    target = F.user(session, "collector")
    login(client, user)
    for url in [*PAGES, f"/settings/users/{target.id}"]:
        assert client.get(url).status_code == 403, url
    posts = [
        ("/settings/users", {"username": "x1", "password": "a-long-pass-99", "role": "admin"}),
        (f"/settings/users/{target.id}/role", {"role": "admin"}),
        (f"/settings/users/{target.id}/tokens", {"name": "api"}),
        ("/settings/firm", {"name": "别的律所"}),
        ("/settings/ladder", {"days": "10", "title": "x", "assignee": "owner", "due_in_days": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    session.rollback()
    assert session.scalar(select(User).where(User.username == "x1")) is None
    assert session.get(User, target.id).role == "collector"
    assert session.scalars(select(ApiToken)).all() == []
    assert session.scalars(select(FirmProfile)).all() == []
    assert session.scalars(select(LadderRung)).all() == []
    # nor is the menu shown to them
    assert "用户管理" not in client.get("/").data.decode()


def test_admin_sees_each_settings_screen(client, session):
    admin = F.user(session)
    login(client, admin)
    for url in PAGES:
        r = client.get(url)
        assert r.status_code == 200, url
    html = client.get("/").data.decode()
    assert "用户管理" in html and "律所信息" in html and "催收阶梯" in html


def test_admin_creates_a_user_scopes_it_and_manages_its_tokens(client, session):
    admin = F.user(session)
    cred_a, cred_b = F.creditor(session, "甲公司"), F.creditor(session, "乙公司")
    login(client, admin)
    # the password rules of the command line apply
    r = client.post(
        "/settings/users",
        data={"username": "zhao", "display_name": "赵催收", "role": "collector", "password": "123"},
    )
    assert r.status_code == 422 and "密码至少 10 位" in r.data.decode()
    r = client.post(
        "/settings/users",
        data={
            "username": "zhao",
            "display_name": "赵催收",
            "email": "zhao@example.cn",
            "role": "collector",
            "password": "tide-lamp-orchard-7",
        },
    )
    assert r.status_code == 302
    session.rollback()
    zhao = session.scalar(select(User).where(User.username == "zhao"))
    assert zhao.role == "collector" and zhao.display_name == "赵催收"
    assert _audited(session, "users", zhao.id, admin)[0].action == "create"
    assert auth.authenticate(session, "zhao", "tide-lamp-orchard-7").id == zhao.id
    assert "zhao" in client.get("/settings/users").data.decode()

    # scope: only 乙公司
    r = client.post(f"/settings/users/{zhao.id}/scope", data={"creditor_ids": [str(cred_b.id)]})
    assert r.status_code == 302
    session.rollback()
    assert session.get(User, zhao.id).creditor_scope == frozenset({cred_b.id})
    scoped = _audited(session, "users", zhao.id, admin)
    assert any((e.after or {}).get("creditor_scope") == "乙公司" for e in scoped)
    assert "乙公司" in client.get(f"/settings/users/{zhao.id}").data.decode()
    assert cred_a.id not in session.get(User, zhao.id).creditor_scope

    # a token, shown once
    r = client.post(f"/settings/users/{zhao.id}/tokens", data={"name": "erp", "days": "30"})
    assert r.status_code == 200
    html = r.data.decode()
    token = html.split('id="new-token"')[1].split("<code")[1].split(">")[1].split("<")[0].strip()
    assert token.startswith("lc_")
    assert token not in client.get(f"/settings/users/{zhao.id}").data.decode()
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and api.json["username"] == "zhao"
    session.rollback()
    row = session.scalars(select(ApiToken)).one()
    assert _audited(session, "api_tokens", row.id, admin)[0].action == "create"

    # revoked: the API refuses it, and the revocation is audited
    r = client.post(f"/settings/users/{zhao.id}/tokens/{row.id}/revoke")
    assert r.status_code == 302
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    revoked = _audited(session, "api_tokens", row.id, admin)
    assert any((e.after or {}).get("is_revoked") is True for e in revoked)


def test_admin_changes_role_resets_password_and_deactivates(client, session):
    admin = F.user(session)
    user = F.user(session, "collector", username="qian")
    login(client, admin)
    assert client.post(f"/settings/users/{user.id}/role", data={"role": "legal"}).status_code == 302
    session.rollback()
    assert session.get(User, user.id).role == "legal"
    assert any(
        (e.after or {}).get("role") == "legal" for e in _audited(session, "users", user.id, admin)
    )
    # an admin cannot demote or deactivate themselves
    r = client.post(f"/settings/users/{admin.id}/role", data={"role": "viewer"})
    assert r.status_code == 422 and "不能取消自己的管理员角色" in r.data.decode()
    r = client.post(f"/settings/users/{admin.id}/active", data={"active": "0"})
    assert r.status_code == 422

    r = client.post(
        f"/settings/users/{user.id}/password",
        data={"new_password": "password123", "confirm_password": "password123"},
    )
    assert r.status_code == 422 and "常见" in r.data.decode()
    r = client.post(
        f"/settings/users/{user.id}/password",
        data={"new_password": "river-stone-maple-4", "confirm_password": "river-stone-maple-4"},
    )
    assert r.status_code == 302
    assert auth.authenticate(session, "qian", "river-stone-maple-4")
    assert any(
        (e.after or {}).get("password") == "已重置"
        for e in _audited(session, "users", user.id, admin)
    )

    r = client.post(f"/settings/users/{user.id}/active", data={"active": "0"})
    assert r.status_code == 302
    session.rollback()
    assert session.get(User, user.id).is_active is False
    assert any(
        (e.after or {}).get("is_active") is False
        for e in _audited(session, "users", user.id, admin)
    )
    other = client.application.test_client()
    r = other.post("/login", data={"username": "qian", "password": "river-stone-maple-4"})
    assert r.status_code == 401


def test_firm_profile_falls_back_to_the_configuration_and_the_seal_is_checked(app, client, session):
    admin = F.user(session)
    login(client, admin)
    config = app.config
    assert settings.firm_profile(session, config)["name"] == config["FIRM_NAME"]
    r = client.post(
        "/settings/firm",
        data={"name": "北京正衡律师事务所", "code": "正衡律函", "phone": "", "address": ""},
    )
    assert r.status_code == 302
    session.rollback()
    profile = settings.firm_profile(session, config)
    assert profile["name"] == "北京正衡律师事务所" and profile["code"] == "正衡律函"
    assert profile["phone"] == config["FIRM_PHONE"]  # blank: the configured value
    row = session.scalars(select(FirmProfile)).one()
    assert _audited(session, "firm_profiles", row.id, admin)[0].action == "create"
    assert "北京正衡律师事务所" in client.get("/settings/firm").data.decode()

    # the seal: not an image, too large, a GIF are refused by the field
    for data, words in [
        (b"%PDF-1.4 not an image", "不是可读取的"),
        (b"\x89PNG" + b"0" * (settings.SEAL_MAX_BYTES + 10), "不应超过"),
        (_png(fmt="GIF"), "PNG 或 JPEG"),
    ]:
        r = client.post(
            "/settings/firm/seal",
            data={"seal": (io.BytesIO(data), "seal.png")},
            content_type="multipart/form-data",
        )
        assert r.status_code == 422 and words in r.data.decode(), words
    session.rollback()
    assert session.scalars(select(FirmProfile)).one().seal_key is None

    png = _png()
    r = client.post(
        "/settings/firm/seal",
        data={"seal": (io.BytesIO(png), "seal.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    session.rollback()
    row = session.scalars(select(FirmProfile)).one()
    assert row.seal_content_type == "image/png" and row.seal_key.endswith(row.seal_sha256)
    shown = client.get("/settings/firm/seal")
    assert shown.status_code == 200 and shown.data == png
    storage = app.extensions["legalcase_storage"]
    assert settings.firm_seal(session, storage, config)["firm_seal"][0] == png
    jpeg = _png(fmt="JPEG")
    r = client.post(
        "/settings/firm/seal",
        data={"seal": (io.BytesIO(jpeg), "seal.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    session.rollback()
    assert session.scalars(select(FirmProfile)).one().seal_content_type == "image/jpeg"


def test_the_stored_ladder_wins_over_the_configuration(
    app, client, session, database_url, tmp_path, monkeypatch
):
    admin = F.user(session)
    login(client, admin)
    config_days = app.config["LADDER_DAYS"]
    assert [r[0] for r in settings.ladder_rungs(session, config_days)] == [30, 60, 90]
    form = {
        "days": ["20", "45", "100", ""],
        "title": ["逾期20天：电话提醒", "逾期45天：上门", "逾期100天：律师函", ""],
        "assignee": ["owner", "owner", "legal", "owner"],
        "due_in_days": ["2", "5", "7", ""],
    }
    # days must rise
    bad = {**form, "days": ["20", "15", "100", ""]}
    r = client.post("/settings/ladder", data=bad)
    assert r.status_code == 422 and "第2级 逾期天数：逾期天数应逐级递增" in r.data.decode()
    session.rollback()
    assert session.scalars(select(LadderRung)).all() == []

    assert client.post("/settings/ladder", data=form).status_code == 302
    session.rollback()
    rungs = settings.ladder_rungs(session, config_days)
    assert [(r[0], r[1], r[3]) for r in rungs] == [
        (20, "overdue30", "owner"),
        (45, "overdue60", "owner"),
        (100, "overdue90", "legal"),
    ]
    rung = session.scalars(select(LadderRung)).first()
    assert _audited(session, "ladder_rungs", rung.id, admin)[0].action == "create"
    assert "逾期45天：上门" in client.get("/settings/ladder").data.decode()

    # the daily run uses them: a case 25 days overdue gets the first rung's task
    from datetime import timedelta

    from legalcase.models import Task
    from legalcase.services.clock import today

    c = F.case(session, admin)
    F.receivable(
        session,
        admin,
        c,
        "FP-9",
        "1000.00",
        today() - timedelta(days=60),
        today() - timedelta(days=25),
    )
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    result = CliRunner().invoke(main, ["ladder", "run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    session.rollback()
    assert [t.title for t in session.scalars(select(Task))] == ["逾期20天：电话提醒"]

    # reset: the configuration again
    assert client.post("/settings/ladder/reset").status_code == 302
    session.rollback()
    assert [r[0] for r in settings.ladder_rungs(session, config_days)] == [30, 60, 90]
