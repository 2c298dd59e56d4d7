"""Batch reminders pass by a case in 诉前调解, a case whose repayment plan is being kept, and
say why on the job's page; a viewer starts no batch (reviewer's points 1 and 2)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from legalcase.services import cases as case_svc
from legalcase.services import plans
from legalcase.services.auth import issue_token
from legalcase.services.clock import today
from legalcase.services.documents.batch import BatchInclude, pick_batch
from tests import factories as F


def _cases(session, admin) -> dict[str, int]:
    ids = {}
    for name in ("催收中", "调解中", "按期履行", "协议违约"):
        case = F.case(session, admin, title=name)
        due = today() - timedelta(days=45)
        F.receivable(session, admin, case, f"S-{name}", "1000", due - timedelta(days=30), due)
        if name == "调解中":
            case_svc.move_stage(session, admin, case, "demand", "测试")
            case_svc.move_stage(session, admin, case, "mediation", "测试")
        if name == "按期履行":  # signed today, first instalment next month
            agreed, first = today(), today() + timedelta(days=30)
        if name == "协议违约":  # the only instalment missed 10 days beyond its grace days
            agreed, first = today() - timedelta(days=40), today() - timedelta(days=20)
        if name in ("按期履行", "协议违约"):
            plans.create_plan(
                session,
                admin,
                case,
                {
                    "agreed_date": agreed,
                    "grace_days": 10,
                    "instalments": [{"due_date": first, "principal": Decimal("1000.00")}],
                },
            )
        session.commit()
        ids[name] = case.id
    return ids


def test_mediation_and_a_kept_plan_get_no_reminder_unless_asked_and_say_why(session):
    admin = F.user(session)
    ids = _cases(session, admin)
    picked, passed = pick_batch(session, admin, "31-60", "reminder_30", today())
    assert sorted(picked) == sorted([ids["催收中"], ids["协议违约"]])  # a broken plan: demanded
    reasons = {p["case_id"]: p["reason"] for p in passed}
    assert reasons == {ids["调解中"]: "诉前调解中", ids["按期履行"]: "已签订还款协议且正在按期履行"}
    everyone, passed = pick_batch(
        session,
        admin,
        "31-60",
        "reminder_30",
        today(),
        BatchInclude(mediation=True, on_plan=True),
    )
    assert sorted(everyone) == sorted(ids.values()) and passed == []


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302, r.data.decode()


def test_the_job_page_lists_the_cases_passed_by_with_their_reason(client, session):
    admin = F.user(session)
    ids = _cases(session, admin)
    login(client, admin)
    r = client.post("/documents/batch", data={"tier": "31-60", "doc_type": "reminder_30"})
    assert r.status_code == 303
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已生成 2 封，跳过 2 个案件" in html
    assert f"案件 {ids['调解中']}</a>：诉前调解中" in html
    assert f"案件 {ids['按期履行']}</a>：已签订还款协议且正在按期履行" in html


def test_a_viewer_sees_no_start_button_and_gets_403(client, app, session):
    admin = F.user(session)
    viewer = F.user(session, "viewer")
    _cases(session, admin)
    token = issue_token(session, viewer)
    session.commit()
    login(client, viewer)
    html = client.get("/documents/batch").get_data(as_text=True)
    assert "开始生成" not in html and "只读用户不能生成催款函" in html
    r = client.post("/documents/batch", data={"tier": "31-60", "doc_type": "reminder_30"})
    assert r.status_code == 403
    api = app.test_client().post(
        "/api/v1/documents/batch",
        json={"doc_type": "reminder_30", "tier": "31-60"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403 and api.get_json()["error"]["code"]
    from sqlalchemy import func, select

    from legalcase.models.jobs import Job

    session.rollback()
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_receivable_owing_nothing_is_not_listed_in_the_letter_and_the_claim_is_unchanged(
    session,
):
    from legalcase.services import receivables
    from legalcase.services.documents.context import document_context

    admin = F.user(session)
    case = F.case(session, admin, title="部分付清")
    due = today() - timedelta(days=45)
    first = F.receivable(session, admin, case, "Z-1", "1000", due - timedelta(days=30), due)
    F.receivable(session, admin, case, "Z-2", "2500", due - timedelta(days=20), due)
    receivables.record_payment(
        session,
        admin,
        case,
        {"paid_date": today(), "amount": Decimal("1000"), "receivable_id": first.id},
    )
    session.commit()
    ctx = document_context(session, case, today(), {}, 15)
    assert [r["invoice_no"] for r in ctx["receivables"]] == ["Z-2"]
    assert ctx["receivables"][0]["outstanding"] == "2,500.00"
    assert ctx["claim"]["principal"] == "2,500.00" and ctx["claim"]["paid"] == "1,000.00"
