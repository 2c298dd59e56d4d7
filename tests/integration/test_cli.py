import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from legalcase.cli import main
from legalcase.models import Case, CaseDeadline, EvidenceItem, LedgerEntry, Promise, User


@pytest.fixture
def cli(app, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(main, list(args), catch_exceptions=False, **kw)


def test_db_upgrade_is_idempotent(cli):
    r = cli("db", "upgrade")
    assert r.exit_code == 0, r.output
    assert "数据库已升级" in r.output


def test_user_create_and_bad_input_exit_2(cli, session):
    r = cli(
        "user",
        "create",
        "liuyang",
        "--role",
        "legal",
        "--password",
        "long-enough-1",
        "--name",
        "刘洋",
    )
    assert r.exit_code == 0, r.output
    r = cli("user", "create", "liuyang", "--role", "legal", "--password", "long-enough-1")
    assert r.exit_code == 2 and "已存在" in r.output
    r = cli("user", "create", "short", "--role", "legal", "--password", "abc")
    assert r.exit_code == 2 and "密码至少 10 位" in r.output
    r = cli("user", "create", "who", "--role", "boss", "--password", "long-enough-1")
    assert r.exit_code == 2
    assert session.scalars(select(User.username)).all() == ["liuyang"]


def test_demo_loads_a_portfolio_once(cli, session):
    r = cli("demo")
    assert r.exit_code == 0, r.output
    assert "演示账号" in r.output
    cases = session.scalar(select(func.count()).select_from(Case))
    assert cases == 48
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) > 48
    assert session.scalar(select(func.count()).select_from(EvidenceItem)) == 8 * 3
    assert session.scalar(select(func.count()).select_from(CaseDeadline)) > 48
    stages = set(session.scalars(select(Case.stage)))
    assert {"pre_legal", "demand", "litigation"} <= stages
    r = cli("demo")
    assert "未加载" in r.output
    assert session.scalar(select(func.count()).select_from(Case)) == cases
    r = cli("promises", "refresh")
    assert r.exit_code == 0
    session.rollback()  # a new transaction sees what the command committed
    open_overdue = session.scalar(
        select(func.count())
        .select_from(Promise)
        .where(Promise.status == "open", Promise.due_date < func.current_date())
    )
    assert open_overdue == 0


def test_token_for_the_api(cli, app):
    cli("user", "create", "api-user", "--role", "viewer", "--password", "long-enough-1")
    r = cli("user", "token", "api-user")
    token = r.stdout.strip()  # alone on stdout; its validity goes to stderr
    assert token.startswith("lc_")
    resp = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.json["username"] == "api-user"
    r = cli("user", "token", "nobody")
    assert r.exit_code == 2 and "不存在" in r.output


def test_tokens_expire_after_the_configured_days_and_are_revoked(cli, app, session, monkeypatch):
    from legalcase.models import ApiToken

    cli("user", "create", "erp-bot", "--role", "viewer", "--password", "long-enough-1")
    monkeypatch.setenv("LEGALCASE_TOKEN_DAYS", "7")
    tokens = {
        name: cli("user", "token", "erp-bot", "--name", name).stdout.strip() for name in "abc"
    }
    session.rollback()
    row = session.scalars(select(ApiToken).where(ApiToken.name == "a")).one()
    assert (row.expires_at - row.created_at).days == 7

    def me(token):
        return app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert all(me(t).status_code == 200 for t in tokens.values())
    r = cli("user", "revoke-token", "erp-bot")
    assert r.exit_code == 2 and "--name" in r.output
    r = cli("user", "revoke-token", "erp-bot", "--name", "nope")
    assert r.exit_code == 2 and "不存在" in r.output
    r = cli("user", "revoke-token", "erp-bot", "--name", "a")
    assert r.exit_code == 0 and "1 个令牌" in r.output
    assert [me(tokens[n]).status_code for n in "abc"] == [401, 200, 200]
    r = cli("user", "tokens", "erp-bot")
    assert "已撤销" in r.output and r.output.count("有效") == 2
    r = cli("user", "revoke-token", "erp-bot", "--all")
    assert r.exit_code == 0 and "2 个令牌" in r.output
    assert [me(tokens[n]).status_code for n in "abc"] == [401, 401, 401]


def test_password_reset_and_deactivation_from_the_cli(cli, app, session):
    cli("user", "create", "zhao", "--role", "legal", "--password", "long-enough-1")
    client = app.test_client()

    def login(password):
        return client.post("/login", data={"username": "zhao", "password": password})

    r = cli("user", "password", "zhao", "--password", "1234567890")
    assert r.exit_code == 2 and "太常见" in r.output
    assert cli("user", "password", "zhao", "--password", "new-long-pass-9").exit_code == 0
    assert login("long-enough-1").status_code == 401
    assert cli("user", "deactivate", "zhao").exit_code == 0
    assert login("new-long-pass-9").status_code == 401
    assert cli("user", "activate", "zhao").exit_code == 0
    assert login("new-long-pass-9").status_code == 302


def test_cli_changes_are_audited_with_the_operator(cli, session, monkeypatch):
    import getpass

    from legalcase.models import AuditEntry

    monkeypatch.setenv("LEGALCASE_OPERATOR", "ops-li")
    cli("user", "create", "by-ops", "--role", "legal", "--password", "long-enough-1")
    monkeypatch.delenv("LEGALCASE_OPERATOR")
    cli("user", "create", "by-os", "--role", "legal", "--password", "long-enough-1")
    session.rollback()
    rows = session.execute(
        select(AuditEntry.operator, AuditEntry.user_id, AuditEntry.after)
        .where(AuditEntry.entity == "users")
        .order_by(AuditEntry.id)
    ).all()
    assert [(op, uid, after["username"]) for op, uid, after in rows] == [
        ("ops-li", None, "by-ops"),
        (getpass.getuser(), None, "by-os"),
    ]
    assert all("session_nonce" not in after for _, _, after in rows)  # never in the log


def test_serve_refuses_postgresql_without_a_secret_key(cli, monkeypatch):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    monkeypatch.delenv("LEGALCASE_SECRET_KEY", raising=False)
    r = cli("serve")
    assert r.exit_code == 2
    assert "LEGALCASE_SECRET_KEY" in r.output
    monkeypatch.setenv("LEGALCASE_SECRET_KEY", "too-short")
    r = cli("serve")
    assert r.exit_code == 2 and "太短" in r.output


def test_serve_loads_the_demo_only_when_asked(cli, session, monkeypatch):
    from gunicorn.app.base import BaseApplication

    started = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: started.append(self.cfg.bind))
    monkeypatch.setenv("LEGALCASE_SECRET_KEY", "k" * 64)  # needed on the PostgreSQL run
    r = cli("serve", "--port", "5099")
    assert r.exit_code == 0, r.output
    assert started == [["127.0.0.1:5099"]]
    assert "还没有用户" in r.output and "demo-pass" not in r.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0
    r = cli("serve", "--demo")
    assert r.exit_code == 0, r.output
    assert "演示登录" in r.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Case)) == 48
