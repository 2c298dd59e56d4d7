"""Readable history and errors (issue 14 point 10): the audit tab in Chinese labels with
formatted values, local time and who; error banners name the field's label; amounts typed
with thousands separators are accepted."""

from __future__ import annotations

from decimal import Decimal

from legalcase import schemas as S
from tests import factories as F
from tests.web.security import login, served_app


def test_the_audit_tab_reads_in_chinese(session, database_url, tmp_path):
    admin = F.user(session, name="王主管")
    case = F.case(session, admin, title="恒达货款")
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    login(client, admin)
    r = client.post(
        f"/cases/{case.id}/edit",
        data={
            "title": "恒达货款纠纷",
            "creditor_id": case.creditor_id,
            "debtor_id": case.debtor_id,
            "owner_id": admin.id,
            "risk_level": "high",
            "currency": "CNY",
        },
    )
    assert r.status_code == 302
    page = client.get(f"/cases/{case.id}?tab=audit").get_data(as_text=True)
    audit = page[page.index('id="audit"') :]
    assert "风险等级：中 → 高" in audit and "案件名称：恒达货款 → 恒达货款纠纷" in audit
    assert "risk_level" not in audit and ">cases #" not in audit and "案件 #" in audit
    assert "王主管" in audit
    app.extensions["legalcase_db"]["engine"].dispose()


def test_error_banners_name_the_fields_label(session, database_url, tmp_path):
    admin = F.user(session)
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    login(client, admin)
    r = client.post("/parties/new", data={"kind": "company", "name": "某公司", "id_code": "12345"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "统一社会信用代码/证件号码：" in page and "id_code：" not in page
    app.extensions["legalcase_db"]["engine"].dispose()


def test_amounts_are_accepted_as_people_type_them():
    field = S.Money()
    for typed in ("1,234.56", "1，234.56", "￥1,234.56", "1234.56元", " 1 234.56 "):
        assert field.deserialize(typed) == Decimal("1234.56"), typed
