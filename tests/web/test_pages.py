from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask import before_render_template
from sqlalchemy import event, func, select

from legalcase.models import Case, Contract, Dispute, LedgerEntry, Receivable
from legalcase.models.cases import ContractGuarantee
from legalcase.models.mediation import Mediation
from legalcase.models.waivers import Waiver
from legalcase.services import ledger, plans, receivables
from legalcase.services.clock import today as clock_today
from tests import factories as F


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302, r.data.decode()


def test_pages_need_login_and_bad_password_is_said(client, session):
    r = client.get("/cases")
    assert r.status_code == 302 and "/login" in r.location
    admin = F.user(session)
    r = client.post("/login", data={"username": admin.username, "password": "wrong"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.data.decode()


def test_case_page_shows_money_and_aging(client, session):
    admin = F.user(session)
    c = F.case(session, admin)
    F.receivable(session, admin, c, "FP-1", "1234.56", date(2024, 1, 1), date(2024, 2, 1))
    login(client, admin)
    html = client.get(f"/cases/{c.id}").data.decode()
    assert "¥1,234.56" in html
    assert "逾期90天以上" in html
    assert "苏州恒达机电设备有限公司" in html


def test_form_errors_are_shown_beside_the_fields_and_nothing_saved(client, session):
    admin = F.user(session)
    c = F.case(session, admin)
    login(client, admin)
    r = client.post(
        f"/cases/{c.id}/receivables/new",
        data={
            "invoice_no": "FP-1",
            "amount": "-3",
            "issue_date": "2026-02-30",
            "due_date": "2026-01-01",
            "currency": "CNY",
        },
    )
    html = r.data.decode()
    assert r.status_code == 422
    assert 'data-field="amount">金额须大于 0' in html
    assert 'data-field="issue_date">日期无效' in html
    assert 'value="-3"' in html  # what the user typed is kept
    assert session.scalar(select(func.count()).select_from(Receivable)) == 0


def test_instalments_typed_as_lines(client, session):
    admin = F.user(session)
    c = F.case(session, admin)
    login(client, admin)
    r = client.post(
        f"/cases/{c.id}/receivables/new",
        data={
            "invoice_no": "FP-2",
            "amount": "1000",
            "issue_date": "2026-01-01",
            "due_date": "2026-01-01",
            "currency": "CNY",
            "instalments": "2026-02-01 400\n2026-03-01 500",
        },
    )
    assert r.status_code == 422
    assert "分期金额合计 ¥900.00" in r.data.decode()
    r = client.post(
        f"/cases/{c.id}/receivables/new",
        data={
            "invoice_no": "FP-2",
            "amount": "1000",
            "issue_date": "2026-01-01",
            "due_date": "2026-01-01",
            "currency": "CNY",
            "instalments": "2026-02-01 400\n2026-03-01 600",
        },
    )
    assert r.status_code == 302
    r = session.scalar(select(Receivable))
    assert r.due_date == date(2026, 3, 1) and len(r.instalments) == 2


def test_viewer_is_refused_an_edit(client, session):
    admin = F.user(session)
    viewer = F.user(session, "viewer")
    c = F.case(session, admin)
    login(client, viewer)
    page = client.get(f"/cases/{c.id}").data.decode()
    assert "编辑案件" not in page
    r = client.get(f"/cases/{c.id}/edit")
    assert r.status_code == 403 and "只读用户不能修改任何内容" in r.data.decode()
    r = client.post(f"/cases/{c.id}/stage", data={"stage": "demand", "reason": "x"})
    assert r.status_code == 403
    session.expire_all()
    assert session.get(Case, c.id).stage == "pre_legal"


def test_illegal_stage_move_in_the_form(client, session):
    admin = F.user(session)
    c = F.case(session, admin)
    login(client, admin)
    r = client.post(f"/cases/{c.id}/stage", data={"stage": "enforcement", "reason": "跳过"})
    assert r.status_code == 422
    assert "请选择列表中的一项" in r.data.decode() or "不能从" in r.data.decode()
    r = client.post(
        f"/cases/{c.id}/stage", data={"stage": "demand", "reason": "发函"}, follow_redirects=True
    )
    assert "函件催告" in r.data.decode()


def test_portfolio_filters_and_paging(app, client, session):
    app.config["PAGE_SIZE"] = 2
    admin = F.user(session)
    other = F.user(session, "collector", name="李娜")
    today = clock_today()
    for n, days in enumerate([5, 45, 75, 200, 300]):
        c = F.case(session, admin, owner=other if n % 2 else admin, title=f"案件{n}")
        due = today - timedelta(days=days)
        F.receivable(session, admin, c, f"FP-{n}", "1000", due - timedelta(days=30), due)
    login(client, admin)
    html = client.get("/cases?tier=90%2B").data.decode()
    assert "共 2 件" in html and "案件3" in html and "案件4" in html and "案件0" not in html
    html = client.get("/cases?tier=31-60").data.decode()
    assert "共 1 件" in html and "案件1" in html
    html = client.get(f"/cases?owner_id={other.id}").data.decode()
    assert "共 2 件" in html
    html = client.get("/cases?page=2").data.decode()
    assert "第 2 / 3 页" in html and "案件2" in html and "案件1" in html  # oldest overdue first
    html = client.get("/cases?min_outstanding=abc").data.decode()
    assert "应为金额数字" in html


@contextmanager
def count_queries(app):
    engine = app.extensions["legalcase_db"]["engine"]
    seen = []

    def _count(conn, cursor, statement, *args):
        if not statement.startswith("BEGIN"):  # transaction control is not a query
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def _fill(session, admin, n_cases, n_entries):
    for i in range(n_cases):
        c = F.case(session, admin, title=f"批量{i}")
        F.receivable(session, admin, c, f"Q{i}-1", "500", date(2026, 1, 1), date(2026, 2, 1))
        F.receivable(
            session,
            admin,
            c,
            f"Q{i}-2",
            "500",
            date(2026, 1, 1),
            date(2026, 3, 1),
            instalments=[
                {"due_date": date(2026, 2, 15), "amount": Decimal("200")},
                {"due_date": date(2026, 3, 1), "amount": Decimal("300")},
            ],
        )
        F.parties.add_contact(
            session, admin, c.debtor, {"name": "王强", "relation": "legal_rep", "phone": "138"}
        )
        for k in range(n_entries):
            ledger.record_contact(
                session,
                admin,
                c,
                {
                    "contacted_at": datetime(2026, 5, 1, tzinfo=UTC) + timedelta(hours=k),
                    "channel": "call",
                    "contact_id": c.debtor.contacts[0].id,
                    "summary": "催款",
                    "outcome": "promised",
                    "promise_amount": Decimal("10"),
                    "promise_due_date": date(2026, 6, 1),
                },
            )
    return c


def test_no_n_plus_one_on_portfolio_and_case_pages(app, client, session):
    admin = F.user(session)
    small_case = _fill(session, admin, 2, 2)
    login(client, admin)
    assert client.get(f"/cases/{small_case.id}").status_code == 200  # once-per-process look-ups
    with count_queries(app) as few:
        assert client.get("/cases").status_code == 200
    with count_queries(app) as few_case:
        assert client.get(f"/cases/{small_case.id}").status_code == 200
    big_case = _fill(session, admin, 20, 25)
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2 * 2 + 20 * 25
    with count_queries(app) as many:
        assert client.get("/cases").status_code == 200
    with count_queries(app) as many_case:
        assert client.get(f"/cases/{big_case.id}").status_code == 200
    assert len(many) == len(few), many
    assert len(many_case) == len(few_case), many_case
    # the case with its debtor's contacts and which panel tables it has rows in; contracts
    # (guarantors joined); receivables (instalments); payments (allocations); ledger;
    # promises; stage changes; audit; deadlines; court events; tasks; the LPR table: 12
    assert len(many_case) <= 15


def _panels(session, admin, case, n):
    """A contract with a guarantor, ``n`` payments, a dispute, an approved waiver, a
    mediation and a repayment plan (which records an acknowledgment in the ledger)."""
    k = Contract(
        case_id=case.id, number=f"HT-{n}", kind="sale", signed_date=date(2025, 1, 1),
        amount=Decimal("1000"),
    )  # fmt: skip
    session.add(k)
    session.flush()
    guarantor = F.debtor(session, admin, name=f"保证人{n}有限公司")
    session.add(
        ContractGuarantee(
            case_id=case.id, contract_id=k.id, party_id=guarantor.id, guarantee_type="joint"
        )
    )
    day = clock_today()
    for i in range(n):
        receivables.record_payment(
            session,
            admin,
            case,
            {"paid_date": day - timedelta(days=40 + i), "amount": Decimal("1")},
        )
    first = session.scalars(select(Receivable).where(Receivable.case_id == case.id)).first()
    now = datetime.now(UTC)
    session.add_all(
        [
            Dispute(
                case_id=case.id, receivable_id=first.id, reason="not_delivered",
                amount=Decimal("5"), opened_at=now, description="货未收到",
            ),
            Waiver(
                case_id=case.id, kind="penalty_interest", amount=Decimal("1"),
                base_amount=Decimal("10"), reason="协商", status="approved",
                proposed_by_id=admin.id, proposed_at=now, decided_by_id=admin.id, decided_at=now,
            ),
            Mediation(case_id=case.id, organisation="人民调解委员会", started_date=day),
        ]
    )  # fmt: skip
    session.flush()
    dues = [
        {"due_date": day + timedelta(days=10 * (i + 1)), "principal": Decimal("10"),
         "interest": Decimal("0")}
        for i in range(3)
    ]  # fmt: skip
    plans.create_plan(
        session, admin, case,
        {"agreed_date": day - timedelta(days=30), "grace_days": 0, "remind_days": 3,
         "note": None, "instalments": dues},
    )  # fmt: skip
    session.commit()
    return guarantor


def test_case_page_with_every_panel_reads_a_fixed_number_and_nothing_while_rendering(
    app, client, session
):
    admin = F.user(session)
    small = _fill(session, admin, 1, 2)
    g_small = _panels(session, admin, small, 2)
    big = _fill(session, admin, 1, 30)
    g_big = _panels(session, admin, big, 30)
    login(client, admin)
    assert client.get(f"/cases/{small.id}").status_code == 200  # once-per-process look-ups
    counts = []
    for case, guarantor in ((small, g_small), (big, g_big)):
        read_before_rendering = []
        with count_queries(app) as seen:
            with before_render_template.connected_to(
                lambda *a, seen=seen, marks=read_before_rendering, **k: marks.append(len(seen)),
                app,
            ):
                html = client.get(f"/cases/{case.id}").data.decode()
        for shown in (guarantor.name, "货未收到", "人民调解委员会", 'id="plan-summary"'):
            assert shown in html, shown
        assert "罚息/逾期利息" in html and 'id="case-waivers"' in html
        # nothing is read (no lazy load either) once the template renders
        assert read_before_rendering == [len(seen)], seen[read_before_rendering[0] :]
        counts.append(len(seen))
    assert counts[0] == counts[1]
    # the 12 of a plain case (test above), and the panels' own: disputes, plans (with their
    # instalments; the page's payments reused), waivers (the claim's approved ones among
    # them), mediations, the evidence behind the ledger's acknowledgment: 17
    assert counts[0] <= 17


def test_deadline_calculator_page(client, session):
    login(client, F.user(session))
    r = client.post(
        "/calculators/deadlines",
        data={
            "jurisdiction": "CN",
            "as_of": "2026-04-06",
            "due_date": "2025-10-31",
            "events[0].type": "preservation",
            "events[0].date": "2026-04-05",
            "events[0].pre_suit": "1",
            "events[0].asset": "bank_deposit",
            "events[3].type": "demand",
            "events[3].date": "2026-02-30",
        },
    )
    assert r.status_code == 422
    assert 'data-field="events[3].date">日期无效' in r.data.decode()
    r = client.post(
        "/calculators/deadlines",
        data={
            "jurisdiction": "CN",
            "as_of": "2026-04-06",
            "due_date": "2025-10-31",
            "events[0].type": "preservation",
            "events[0].date": "2026-04-05",
            "events[0].pre_suit": "1",
            "events[0].asset": "bank_deposit",
        },
    )
    html = r.data.decode()
    assert "诉前保全后起诉期限（事件 1）：2026-05-06" in html
    assert "申请续行保全截止（事件 1）：2027-03-26" in html and "暂定" in html


def test_interest_calculator_page(client, session):
    login(client, F.user(session))
    r = client.post(
        "/calculators/interest",
        data={
            "as_of": "2023-12-31",
            "rate.type": "lpr_markup",
            "rate.value": "0.5",
            "day_count": "365",
            "principal[0].ref": "INV-1",
            "principal[0].amount": "100000",
            "principal[0].due_date": "2023-01-31",
            "payments[0].date": "2023-06-30",
            "payments[0].amount": "20000",
        },
    )
    html = r.data.decode()
    assert "¥84,520.10" in html and "5.475%/年" in html
    r = client.post(
        "/calculators/interest",
        data={
            "as_of": "2023-12-31",
            "rate.type": "annual",
            "rate.value": "6",
            "principal[2].amount": "-5",
            "principal[2].due_date": "2023-01-31",
        },
    )
    assert r.status_code == 422
    assert 'data-field="principal[2].amount">不能为负数' in r.data.decode()
