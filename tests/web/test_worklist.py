"""Issue 18 through the client: the worklist (page and API), logging a call moves on, the
model page, the segments settings (admins only), targets and KPI trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from legalcase.models import AuditEntry, LedgerEntry, PropensityModel, RiskSegment
from legalcase.services.auth import issue_token
from legalcase.services.clock import today
from tests import factories as F
from tests.web.test_pages import login


def _three_cases(session, owner, boss):
    """Three open overdue cases of ``owner`` with different amounts owed."""
    day = today()
    out = []
    for n, amount in enumerate(("10000", "90000", "40000")):
        c = F.case(session, boss, owner=owner, title=f"排序案件{n}")
        F.receivable(
            session, boss, c, f"WL-{n}", amount, day - timedelta(days=90), day - timedelta(days=45)
        )
        out.append(c)
    return out


def test_worklist_page_ranks_by_expected_recovery_and_a_call_moves_on(app, session):
    boss = F.user(session, "admin")
    me = F.user(session, "collector", username="li")
    cases = _three_cases(session, me, boss)
    client = app.test_client()
    login(client, me)
    page = client.get("/worklist").get_data(as_text=True)
    # the same facts, so the same chance: the order is the amount owed
    order = [page.index(f"排序案件{n}") for n in (1, 2, 0)]
    assert order == sorted(order)
    assert "透明规则" in page
    first, second = cases[1], cases[2]
    r = client.post(
        f"/worklist/{first.id}/call",
        data={
            "contacted_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
            "channel": "call",
            "summary": "电话联系财务，对方称月底付款",
            "outcome": "reached",
        },
    )
    assert r.status_code == 302
    assert f"current={second.id}" in r.location and r.location.endswith(f"#case-{second.id}")
    assert session.scalar(select(LedgerEntry.case_id)) == first.id
    nxt = client.get(r.location).get_data(as_text=True)
    current = nxt[nxt.index('id="current-case"') :]
    assert current.index("排序案件2") < current.index('id="worklist"')
    # a collector sees only their own list
    assert client.get(f"/worklist?assignee={boss.id}").status_code == 403


def test_worklist_api(app, session):
    boss = F.user(session, "admin")
    me = F.user(session, "collector")
    cases = _three_cases(session, me, boss)
    client = app.test_client()
    token = issue_token(session, me)
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/worklist", headers=headers).get_json()
    assert body["score"] == {"kind": "rules", "version": None}
    assert [i["case_id"] for i in body["items"]] == [cases[1].id, cases[2].id, cases[0].id]
    top = body["items"][0]
    assert Decimal(top["owed"]) == Decimal("90000.00")
    assert Decimal(top["expected_recovery"]) == (
        Decimal(str(round(top["probability"], 6))) * Decimal("90000")
    ).quantize(Decimal("0.01"))
    assert top["reasons"] and {"feature", "label", "value", "contribution"} <= set(
        top["reasons"][0]
    )
    other = client.get(f"/api/v1/worklist?assignee={boss.id}", headers=headers)
    assert other.status_code == 403 and other.get_json()["error"]["code"]
    bad = client.get("/api/v1/worklist?assignee=x", headers=headers)
    assert bad.status_code == 400 and "assignee" in bad.get_json()["error"]["fields"]


def test_model_page_says_which_score_is_in_use_and_admins_retrain(app, session):
    boss = F.user(session, "admin")
    collector = F.user(session, "collector")
    client = app.test_client()
    login(client, collector)
    page = client.get("/model").get_data(as_text=True)
    assert "透明规则评分" in page and "尚未训练模型" in page
    assert client.post("/model/train").status_code == 403
    client.post("/logout")
    login(client, boss)
    r = client.post("/model/train", follow_redirects=True)
    text = r.get_data(as_text=True)
    assert "已训练第 1 版" in text and "历史数据不足" in text
    assert session.scalar(select(func.count()).select_from(PropensityModel)) == 1


def test_segments_settings_are_for_admins_and_refuse_bad_rows(app, session):
    boss = F.user(session, "admin")
    collector = F.user(session, "collector")
    cred = F.creditor(session)
    client = app.test_client()
    login(client, collector)
    assert client.get("/settings/segments").status_code == 403
    client.post("/logout")
    login(client, boss)
    assert "风险分层" in client.get("/settings/segments").get_data(as_text=True)
    bad = client.post(
        "/settings/segments",
        data={
            "name": ["高风险"],
            "max_score": ["30"],
            "ladder_days": ["40,10"],
            "channels-0": ["call"],
        },
    )
    assert bad.status_code == 422
    assert "逐级递增" in bad.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(RiskSegment)) == 0
    ok = client.post(
        "/settings/segments",
        data={
            "name": ["高风险", "大额"],
            "min_score": ["", ""],
            "max_score": ["30", ""],
            "creditor_id": ["", str(cred.id)],
            "min_owed": ["", "1000000"],
            "max_owed": ["", ""],
            "ladder_days": ["10,30,60", "20,50,80"],
            "letter_template": ["lawyer_letter", ""],
            "channels-0": ["call", "visit"],
            "channels-1": ["letter"],
        },
    )
    assert ok.status_code == 302
    rows = list(session.scalars(select(RiskSegment).order_by(RiskSegment.position)))
    assert [(s.name, s.max_score, s.channels, s.creditor_id) for s in rows] == [
        ("高风险", 30, "call,visit", None),
        ("大额", 101, "letter", cred.id),
    ]
    assert rows[1].min_owed == Decimal("1000000.00")
    audited = session.scalars(
        select(AuditEntry.entity_id).where(
            AuditEntry.entity == "risk_segments", AuditEntry.user_id == boss.id
        )
    )
    assert sorted(audited) == sorted(s.id for s in rows)  # each change in the audit log


def test_kpi_page_shows_trends_against_targets_and_admins_set_targets(app, session):
    boss = F.user(session, "admin")
    collector = F.user(session, "collector", name="王催收")
    month = today().strftime("%Y-%m")
    client = app.test_client()
    login(client, collector)
    assert client.post("/kpi/targets", data={"month": month}).status_code == 403
    client.post("/logout")
    login(client, boss)
    bad = client.post("/kpi/targets", data={"month": month, "contacts": "many"})
    assert bad.status_code == 422 and "联系次数应为" in bad.get_data(as_text=True)
    r = client.post(
        "/kpi/targets",
        data={"month": month, "user_id": str(collector.id), "contacts": "30", "recovered": "50000"},
        follow_redirects=True,
    )
    text = r.get_data(as_text=True)
    assert "目标已保存" in text and "王催收" in text and "0 / 30" in text
    assert 'id="kpi-trends"' in text and f'data-month="{month}"' in text
    home = client.get("/").get_data(as_text=True)
    assert 'id="kpi-trends"' in home and 'id="early-warning"' in home
