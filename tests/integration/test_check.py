"""`legalcase check`: stored figures against their sources; --fix corrects them, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from legalcase.cli import main
from legalcase.models import AuditEntry, CaseDeadline, Promise, Receivable
from legalcase.services import ledger, queries, receivables
from legalcase.services.clock import today
from tests import factories as F


@pytest.fixture
def cli(app, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def portfolio(session):
    """Two cases built on the screens: invoices, a payment that keeps a promise, deadlines."""
    admin = F.user(session)
    made = datetime.now(UTC) - timedelta(days=2)
    built = []
    for n, title in enumerate(("苏州恒达货款纠纷", "无锡宏远货款纠纷")):
        c = F.case(session, admin, title=title)
        F.receivable(session, admin, c, f"CHK-{n}-1", "1000.00")
        F.receivable(session, admin, c, f"CHK-{n}-2", "500.00")
        ledger.record_contact(
            session,
            admin,
            c,
            {
                "contacted_at": made,
                "channel": "call",
                "summary": "承诺付款",
                "outcome": "promised",
                "promise_amount": Decimal("300"),
                "promise_due_date": today() + timedelta(days=10),
            },
            now=made + timedelta(minutes=5),
        )
        receivables.record_payment(
            session, admin, c, {"paid_date": today(), "amount": Decimal("1200")}
        )
        session.commit()
        built.append(c)
    return built


def _sql(app, statement: str, **params) -> None:
    """Change the database behind the application's back."""
    with app.extensions["legalcase_db"]["engine"].begin() as conn:
        conn.execute(text(statement), params)


def _fix_audit(session, case_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == case_id,
                AuditEntry.action == "update",
                AuditEntry.user_id.is_(None),
            )
        )
    )


def test_figures_kept_by_the_screens_pass(cli, portfolio, session):
    case = portfolio[0]
    assert case.paid_amount == Decimal("1200.00") and case.next_deadline_date is not None
    promise = session.scalar(select(Promise).where(Promise.case_id == case.id))
    assert promise.status == "kept"
    session.commit()
    r = cli("check")
    assert r.exit_code == 0, r.output
    assert "已核对 2 个案件，未发现差异" in r.output


CORRUPTIONS = {
    # a balance changed directly: outstanding up by 100 yuan (stored as fen)
    "balance": (
        "UPDATE cases SET outstanding_amount = outstanding_amount + 10000 WHERE id = :case",
        "尚欠金额 记录为 ¥400.00，应为 ¥300.00",
        ("cases", "outstanding_amount", "400.00", "300.00"),
    ),
    "receivable": (
        "UPDATE receivables SET paid_amount = 0 WHERE invoice_no = :invoice",
        "应收款 CHK-0-2 的已收金额 记录为 ¥0.00，应为 ¥200.00",
        ("receivables", "paid_amount", "0.00", "200.00"),
    ),
    "promise": (
        "UPDATE promises SET status = 'broken' WHERE case_id = :case",
        "的状态 记录为 已违约，应为 已兑现",
        ("promises", "status", "broken", "kept"),
    ),
    "deadline": (
        "UPDATE cases SET next_deadline_date = NULL WHERE id = :case",
        "下一期限日 记录为 （空），应为 ",
        ("cases", "next_deadline_date", None, None),
    ),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_figure_changed_in_the_database_is_named_then_fixed_and_audited(
    kind, cli, portfolio, session, app
):
    case, other = portfolio
    expected_next = case.next_deadline_date
    statement, message, (entity, field, before, after) = CORRUPTIONS[kind]
    session.commit()
    _sql(app, statement, case=case.id, invoice="CHK-0-2")

    r = cli("check")
    assert r.exit_code == 1
    assert f"案件 {case.id}「苏州恒达货款纠纷」：" in r.output and message in r.output
    assert f"案件 {other.id}" not in r.output
    assert "运行 legalcase check --fix 修正" in r.output

    r = cli("check", "--fix")
    assert r.exit_code == 0, r.output
    assert "已修正 1 处差异（1 个案件）" in r.output
    r = cli("check")
    assert r.exit_code == 0, r.output

    session.rollback()  # see what the commands committed
    fixes = _fix_audit(session, case.id)
    assert [(a.entity, list(a.after)) for a in fixes] == [(entity, [field])]
    if kind == "deadline":
        before, after = None, expected_next.isoformat()
    assert (fixes[0].before[field], fixes[0].after[field]) == (before, after)
    # the audit tab of the case shows the correction
    page = queries.case_page(session, case.id, today())
    assert fixes[0].id in {a.id for a in page.audit}
    assert _fix_audit(session, other.id) == []


def test_one_case_and_an_unknown_case(cli, portfolio, session, app):
    case, other = portfolio
    session.commit()
    _sql(app, "UPDATE cases SET paid_amount = 0 WHERE id = :case", case=case.id)
    r = cli("check", "--case", str(other.id))
    assert r.exit_code == 0, r.output
    assert "已核对 1 个案件" in r.output
    r = cli("check", "--case", str(case.id))
    assert r.exit_code == 1 and "已收金额 记录为 ¥0.00，应为 ¥1,200.00" in r.output
    r = cli("check", "--case", "999999")
    assert r.exit_code == 2 and "案件 999999 不存在" in r.output


def test_fix_recomputes_deadlines_when_a_paid_amount_was_wrong(cli, portfolio, session, app):
    session.commit()
    rid = session.scalar(select(Receivable.id).where(Receivable.invoice_no == "CHK-0-2"))
    limitation = select(CaseDeadline.is_active).where(
        CaseDeadline.source_key == f"receivable:{rid}", CaseDeadline.kind == "limitation"
    )
    assert session.scalar(limitation) is True
    session.commit()
    # the invoice marked paid behind the app's back, then the nightly refresh drops its deadline
    _sql(app, "UPDATE receivables SET paid_amount = amount WHERE id = :rid", rid=rid)
    assert cli("deadlines-refresh").exit_code == 0
    session.rollback()
    assert session.scalar(limitation) is False
    session.commit()
    r = cli("check", "--fix")
    assert r.exit_code == 0 and "已修正 1 处差异" in r.output
    session.rollback()
    assert session.get(Receivable, rid).paid_amount == Decimal("200.00")
    assert session.scalar(limitation) is True
    session.commit()
    assert cli("check").exit_code == 0
