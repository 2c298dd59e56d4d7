"""One search box (issue 14 point 4): cases, parties by name or credit code, contacts by phone
or e-mail, invoices and contracts by number; each hit links to its case; scoped users find
only their creditors' records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from legalcase.services import auth, parties, receivables, scope
from tests import factories as F
from tests.web.security import login, served_app


def _data(session):
    admin = F.user(session)
    debtor = F.debtor(session, admin, "苏州恒达机电设备有限公司")
    case = F.case(session, admin, debtor_party=debtor, title="恒达货款纠纷")
    case.case_number = "(2026)苏0508民初1234号"
    parties.add_contact(
        session,
        admin,
        debtor,
        {
            "name": "刘会计",
            "relation": "finance",
            "phone": "0512-6688 1234",
            "email": "finance@hengda.cn",
        },
    )
    receivables.add_contract(
        session,
        admin,
        case,
        {
            "number": "HD-2025-017",
            "kind": "sale",
            "signed_date": date(2025, 6, 1),
            "amount": Decimal("5000"),
        },
    )
    session.commit()
    F.receivable(session, admin, case, "INV-77881", "5000", date(2026, 1, 1), date(2026, 2, 1))
    other = F.case(
        session,
        admin,
        title="别家的案件",
        cred=F.creditor(session, "别的子公司"),
        debtor_party=F.debtor(session, admin, "杭州远方贸易有限公司"),
    )
    return admin, debtor, case, other


def test_one_box_finds_cases_parties_contacts_invoices_and_contracts(
    session, database_url, tmp_path
):
    admin, debtor, case, other = _data(session)
    token = auth.issue_token(session, admin, "api")
    session.commit()
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    h = {"Authorization": f"Bearer {token}"}

    def hits(q):
        r = client.get("/api/v1/search", query_string={"q": q}, headers=h)
        assert r.status_code == 200, r.json
        return [(i["kind"], i["case_id"]) for i in r.json["items"]]

    assert hits("恒达") == [("case", case.id), ("party", case.id)]
    assert hits(debtor.id_code) == [("party", case.id)]
    assert hits("苏0508民初1234") == [("case", case.id)]
    assert hits("66881234") == [("contact", case.id)]  # typed without the dash and space
    assert hits("finance@hengda") == [("contact", case.id)]
    assert hits("INV-7788") == [("invoice", case.id)]
    assert hits("HD-2025") == [("contract", case.id)]
    assert hits("100%") == []  # a LIKE wildcard is a character, not a pattern
    r = client.get("/api/v1/search", query_string={"q": "x" * 101}, headers=h)
    assert r.status_code == 400 and "q" in r.json["error"]["fields"]
    login(client, admin)
    page = client.get("/search?q=INV-7788").get_data(as_text=True)
    assert f'href="/cases/{case.id}"' in page and "发票 INV-77881" in page
    assert 'name="q"' in client.get("/").get_data(as_text=True)  # the box in the navigation
    app.extensions["legalcase_db"]["engine"].dispose()


def test_a_scoped_user_finds_only_their_creditors_records(session, database_url, tmp_path):
    admin, debtor, case, other = _data(session)
    user = F.user(session, "legal")
    scope.set_creditor_scope(session, user, [other.creditor_id])
    token = auth.issue_token(session, user, "api")
    session.commit()
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    h = {"Authorization": f"Bearer {token}"}
    for q in ("恒达", "INV-7788", "HD-2025", "66881234"):
        assert client.get("/api/v1/search", query_string={"q": q}, headers=h).json["items"] == [], q
    found = client.get("/api/v1/search", query_string={"q": "别家"}, headers=h).json["items"]
    assert [(i["kind"], i["id"]) for i in found] == [("case", other.id)]
    app.extensions["legalcase_db"]["engine"].dispose()
