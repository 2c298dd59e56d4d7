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
    assert r.exit_code == 2 and "密码至少 8 位" in r.output
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
    token = r.output.strip()
    assert token.startswith("lc_")
    resp = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert resp.json["username"] == "api-user"
    r = cli("user", "token", "nobody")
    assert r.exit_code == 2 and "不存在" in r.output
