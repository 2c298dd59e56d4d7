"""Creditor entities through the API (admins only) and the CLI; natural-person fields on the
party form; the court chosen on the case form with suggestions."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from legalcase.cli import main
from legalcase.models import Case, Creditor, Party
from legalcase.services.auth import issue_token
from tests import factories as F

CREDITOR = {
    "name": "华东建设机械有限公司",
    "uscc": F.uscc(11),
    "address": "上海市闵行区申富路 88 号",
    "legal_rep": "李华",
    "legal_rep_title": "董事长",
    "phone": "021-6488 1234",
    "email": "ar@huadong.example",
    "bank_name": "中国工商银行上海莘庄支行",
    "account_name": "华东建设机械有限公司",
    "account_number": "1001234567890123456",
    "letter_code": "华东建机催",
}


@pytest.fixture
def api(app, session):
    client = app.test_client()
    tokens = {role: issue_token(session, F.user(session, role)) for role in ("admin", "legal")}
    session.commit()

    def call(method, url, json=None, role="admin"):
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        return client.open(f"/api/v1{url}", method=method, json=json, headers=headers)

    return call


def test_an_admin_creates_and_changes_a_creditor_through_the_api(api, session):
    r = api("POST", "/creditors", CREDITOR)
    assert r.status_code == 201, r.json
    created = r.json
    assert {k: created[k] for k in CREDITOR} == CREDITOR
    r = api("PATCH", f"/creditors/{created['id']}", {"letter_code": "华东催", "legal_rep": "王芳"})
    assert r.status_code == 200 and r.json["letter_code"] == "华东催"
    assert api("GET", f"/creditors/{created['id']}").json["legal_rep"] == "王芳"
    session.rollback()
    stored = session.get(Creditor, created["id"])
    assert (stored.letter_code, stored.legal_rep, stored.account_number) == (
        "华东催",
        "王芳",
        "1001234567890123456",
    )


def test_creditor_changes_are_refused_to_non_admins_and_bad_codes_name_the_field(api, session):
    r = api("POST", "/creditors", CREDITOR, role="legal")
    assert r.status_code == 403
    assert api("POST", "/creditors", {**CREDITOR, "uscc": "123"}).json["error"]["fields"]["uscc"]
    assert api("POST", "/creditors", CREDITOR).status_code == 201
    # a second creditor may not print the same letter numbers
    r = api("POST", "/creditors", {**CREDITOR, "name": "另一家公司", "uscc": F.uscc(12)})
    assert r.status_code == 400 and "letter_code" in r.json["error"]["fields"]
    r = api("POST", "/creditors", {**CREDITOR, "name": "另一家", "letter_code": "华〔2026〕"})
    assert r.status_code == 400 and "letter_code" in r.json["error"]["fields"]
    session.rollback()
    assert session.scalars(select(Creditor.name)).all() == ["华东建设机械有限公司"]


def test_creditor_command_group(app, database_url, tmp_path, monkeypatch, session):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    runner = CliRunner()

    def cli(*args):
        return runner.invoke(main, list(args), catch_exceptions=False)

    r = cli("creditor", "create", "华东建设机械有限公司", "--letter-code", "华东建机催",
            "--legal-rep", "李华", "--title", "董事长", "--bank", "工行莘庄支行",
            "--account-number", "1001234567890123456")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = cli("creditor", "update", "华东建设机械有限公司", "--phone", "021-6488 1234")
    assert r.exit_code == 0, r.output
    r = cli("creditor", "list")
    assert "华东建机催" in r.output and "李华" in r.output and "1001234567890123456" in r.output
    r = cli("creditor", "update", "不存在的公司", "--phone", "1")
    assert r.exit_code == 2 and "债权主体不存在" in r.output
    session.rollback()
    c = session.scalars(select(Creditor)).one()
    assert (c.legal_rep_title, c.phone, c.bank_name) == ("董事长", "021-6488 1234", "工行莘庄支行")


def login(client, user):
    r = client.post("/login", data={"username": user.username, "password": F.PASSWORD})
    assert r.status_code == 302, r.data.decode()


def test_a_natural_person_is_entered_with_sex_birth_ethnicity_and_id_type(client, session):
    legal = F.user(session, "legal")
    login(client, legal)
    page = client.get("/parties/new").data.decode()
    assert "民族" in page and "港澳居民来往内地通行证" in page and "经常居住地" in page
    form = {
        "kind": "person",
        "name": "陈静",
        "id_type": "hk_macao_permit",
        "id_code": "H12345678",  # not a resident ID: taken as written
        "sex": "female",
        "birth_date": "1985-06-01",
        "ethnicity": "05",
        "registered_address": "香港九龙弥敦道 1 号",
        "actual_address": "深圳市福田区福华路 8 号",
        "phone": "139 2000 0000",
    }
    r = client.post("/parties/new", data=form)
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    p = session.scalars(select(Party).where(Party.name == "陈静")).one()
    assert (p.sex, str(p.birth_date), p.ethnicity, p.id_type) == (
        "female",
        "1985-06-01",
        "05",
        "hk_macao_permit",
    )
    page = client.get(f"/parties/{p.id}").data.decode()
    assert "维吾尔族" in page and "港澳居民来往内地通行证" in page and "经常居住地" in page
    # a resident ID number is still checked
    r = client.post("/parties/new", data={**form, "name": "陈二", "id_type": "resident_id"})
    assert r.status_code == 422 and "身份证号" in r.data.decode()


def test_the_court_is_chosen_on_the_case_form_with_a_suggestion(client, session):
    legal = F.user(session, "legal")
    case = F.case(session, legal)
    login(client, legal)
    page = client.get(f"/cases/{case.id}/edit").data.decode()
    # the defendant's domicile (苏州市工业园区…) suggests its district court; the field is free
    assert 'list="dl-court"' in page and '<option value="苏州市工业园区人民法院">' in page
    form = {
        "title": case.title,
        "creditor_id": case.creditor_id,
        "debtor_id": case.debtor_id,
        "owner_id": legal.id,
        "risk_level": "medium",
        "currency": "CNY",
        "allocation": "booked",
        "court": "江苏省苏州工业园区人民法院",
    }
    r = client.post(f"/cases/{case.id}/edit", data=form)
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    assert session.get(Case, case.id).court == "江苏省苏州工业园区人民法院"
    page = client.get(f"/cases/{case.id}").data.decode()
    assert "受理法院：江苏省苏州工业园区人民法院" in page


def test_creditors_screen_under_settings_is_changed_by_an_admin_only(client, session):
    admin, legal = F.user(session, "admin"), F.user(session, "legal")
    login(client, admin)
    assert "债权主体" in client.get("/cases").data.decode()  # in the 设置 menu
    form = dict(CREDITOR)
    r = client.post("/creditors/new", data=form)
    assert r.status_code == 302, r.data.decode()
    session.rollback()
    c = session.scalars(select(Creditor)).one()
    page = client.get("/creditors").data.decode()
    assert "华东建机催" in page and "李华（董事长）" in page and "1001234567890123456" in page
    r = client.post(f"/creditors/{c.id}/edit", data={**form, "letter_code": "华东〔2026〕"})
    assert r.status_code == 422 and "函件代字只写代字本身" in r.data.decode()
    client.post("/logout")
    login(client, legal)
    assert client.get("/creditors").status_code == 200
    assert client.get("/settings/creditors").status_code == 200
    assert client.post(f"/creditors/{c.id}/edit", data=form).status_code == 403
    session.rollback()
    assert session.get(Creditor, c.id).letter_code == "华东建机催"
