"""Creditor scoping (issue 11 point 11): a user limited to some creditor entities sees and
reaches only those creditors' cases and everything hanging off them, on screens, exports,
search, downloads and the API. A case outside the scope is not found (404): the user is not
told that it exists. Users without a scope see everything, as before."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from click.testing import CliRunner
from sqlalchemy import select

from legalcase.cli import main
from legalcase.models import AuditEntry, User
from legalcase.services import auth, scope
from tests import factories as F
from tests.conftest import SHARED

from . import login

PDF = (SHARED / "fixtures" / "pdf" / "pdflatex-4-pages.pdf").read_bytes()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _portfolio(session):
    """Two creditors of one group, a case each, a debtor shared by both and one of its own."""
    admin = F.user(session, "admin")
    north = F.creditor(session, "华北子公司")
    south = F.creditor(session, "华南子公司")
    shared = F.debtor(session, admin, "共同客户有限公司")
    only_south = F.debtor(session, admin, "南方独有客户有限公司")
    mine = F.case(session, admin, debtor_party=shared, cred=north, title="华北 共同客户 货款")
    theirs = F.case(session, admin, debtor_party=shared, cred=south, title="华南 共同客户 货款")
    other = F.case(session, admin, debtor_party=only_south, cred=south, title="华南 独有 货款")
    F.receivable(session, admin, mine, invoice_no="N-001", due=date(2026, 3, 2))
    F.receivable(session, admin, theirs, invoice_no="S-001", due=date(2026, 3, 2))
    collector = F.user(session, "legal", username="north_legal")
    scope.set_creditor_scope(session, collector, [north.id], actor=admin)
    session.commit()
    return admin, collector, north, south, shared, only_south, mine, theirs, other


def _upload(client, case_id):
    return client.post(
        f"/cases/{case_id}/evidence",
        data={"kind": "contract", "file": (io.BytesIO(PDF), "合同.pdf")},
        content_type="multipart/form-data",
    )


def _first_evidence_download(client, case_id) -> str:
    page = client.get(f"/cases/{case_id}/evidence").get_data(as_text=True)
    return re.search(r'href="(/evidence/\d+/download)"', page).group(1)


def test_a_scoped_user_sees_only_their_creditors_cases_on_every_screen(client, session):
    admin, user, north, south, shared, only_south, mine, theirs, other = _portfolio(session)
    login(client, admin)
    assert _upload(client, theirs.id).status_code in (200, 302)
    hidden_download = _first_evidence_download(client, theirs.id)
    assert client.get(hidden_download).status_code == 200  # the admin sees everything
    client.post("/logout")

    login(client, user)
    portfolio = client.get("/cases").get_data(as_text=True)
    assert "华北 共同客户 货款" in portfolio
    assert "华南" not in portfolio
    # Search by the shared debtor's name finds only the user's own case.
    found = client.get("/cases?q=共同客户").get_data(as_text=True)
    assert "华北 共同客户 货款" in found and "华南 共同客户 货款" not in found
    # The other creditor's case, its evidence, documents, and downloads: not found.
    for url in (
        f"/cases/{theirs.id}",
        f"/cases/{theirs.id}/evidence",
        f"/cases/{theirs.id}/documents",
        f"/cases/{theirs.id}/edit",
        hidden_download,
    ):
        assert client.get(url).status_code == 404, url
    assert _upload(client, theirs.id).status_code == 404
    # The shared debtor is visible, with only the user's case; the other debtor is not.
    party = client.get(f"/parties/{shared.id}").get_data(as_text=True)
    assert "华北 共同客户 货款" in party and "华南 共同客户 货款" not in party
    assert client.get(f"/parties/{only_south.id}").status_code == 404
    assert "南方独有客户" not in client.get("/parties").get_data(as_text=True)
    # Exports and the dashboard hold only the user's cases.
    rows = list(csv.reader(io.StringIO(client.get("/reports/export.csv").get_data(as_text=True))))
    text = "\n".join(",".join(r) for r in rows)
    assert "华北 共同客户 货款" in text and "华南" not in text
    dashboard = client.get("/").get_data(as_text=True)
    assert "华南" not in dashboard
    # A case cannot be opened for a creditor outside the scope.
    r = client.post(
        "/cases/new",
        data={
            "title": "越权立案",
            "creditor_id": south.id,
            "debtor_id": shared.id,
            "risk_level": "medium",
            "currency": "CNY",
        },
    )
    assert r.status_code == 422
    assert "债权主体不存在" in r.get_data(as_text=True)
    assert client.get(f"/cases/{mine.id}").status_code == 200
    account = client.get("/settings/account").get_data(as_text=True)
    assert "可见的债权主体：<strong>华北子公司</strong>" in account


def test_the_api_is_scoped_the_same_way(client, session):
    admin, user, north, south, shared, only_south, mine, theirs, other = _portfolio(session)
    token = auth.issue_token(session, user, "api")
    session.commit()
    h = bearer(token)
    me = client.get("/api/v1/me", headers=h).json
    assert me["creditor_ids"] == [north.id]
    listed = client.get("/api/v1/cases", headers=h).json
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [c["id"] for c in items] == [mine.id]
    for url in (
        f"/api/v1/cases/{theirs.id}",
        f"/api/v1/cases/{theirs.id}/claim?as_of=2026-11-25",
        f"/api/v1/cases/{theirs.id}/receivables",
        f"/api/v1/cases/{theirs.id}/evidence",
        f"/api/v1/cases/{theirs.id}/documents",
        f"/api/v1/cases/{theirs.id}/audit",
        f"/api/v1/parties/{only_south.id}",
    ):
        r = client.get(url, headers=h)
        assert r.status_code == 404, url
        assert r.json["error"]["code"] == "not_found"
    creditors = client.get("/api/v1/creditors", headers=h).json
    names = [c["name"] for c in (creditors["items"] if isinstance(creditors, dict) else creditors)]
    assert names == ["华北子公司"]
    r = client.patch(f"/api/v1/cases/{theirs.id}", json={"title": "改名"}, headers=h)
    assert r.status_code == 404
    session.rollback()
    assert session.get(type(theirs), theirs.id).title == "华南 共同客户 货款"
    # An unscoped user sees all three cases.
    admin_token = auth.issue_token(session, admin, "api")
    session.commit()
    every = client.get("/api/v1/cases", headers=bearer(admin_token)).json
    items = every["items"] if isinstance(every, dict) else every
    assert sorted(c["id"] for c in items) == sorted([mine.id, theirs.id, other.id])
    assert client.get("/api/v1/me", headers=bearer(admin_token)).json["creditor_ids"] is None


def test_scope_is_set_from_the_command_line_and_audited(
    database_url, tmp_path, session, monkeypatch
):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    runner = CliRunner()
    admin, user, north, south, *_ = _portfolio(session)
    r = runner.invoke(
        main,
        [
            "user",
            "scope",
            user.username,
            "--creditor",
            "华南子公司",
            "--creditor",
            str(north.id),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "华北子公司" in r.output and "华南子公司" in r.output
    session.rollback()
    session.expire_all()
    assert session.get(User, user.id).creditor_scope == {north.id, south.id}
    r = runner.invoke(main, ["user", "scope", user.username, "--creditor", "不存在的公司"])
    assert r.exit_code == 2 and "不存在的公司" in r.output
    r = runner.invoke(main, ["user", "scope", user.username, "--all"])
    assert r.exit_code == 0 and "全部债权主体" in r.output
    session.rollback()
    session.expire_all()
    assert session.get(User, user.id).creditor_scope is None
    trail = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "users", AuditEntry.entity_id == user.id)
    ).all()
    changes = [t for t in trail if "creditor_scope" in (t.after or {})]
    assert [t.after["creditor_scope"] for t in changes] == [
        "华北子公司",
        "华北子公司、华南子公司",
        "全部债权主体",
    ]
    assert changes[0].user_id == admin.id  # set on a screen by the admin
    assert changes[-1].operator and changes[-1].user_id is None  # the person at the CLI


def test_a_case_cannot_be_given_to_someone_who_may_not_see_its_creditor(client, session):
    admin, user, north, south, shared, only_south, mine, theirs, other = _portfolio(session)
    login(client, admin)
    r = client.post(
        f"/cases/{theirs.id}/edit",
        data={
            "title": theirs.title,
            "creditor_id": south.id,
            "debtor_id": shared.id,
            "owner_id": user.id,
            "risk_level": "medium",
            "currency": "CNY",
        },
    )
    assert r.status_code == 422
    assert "无权查看该债权主体" in r.get_data(as_text=True)


def test_presigned_links_live_a_minute_at_most(minio_storage, tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(PDF)
    minio_storage.put_file("k/a.pdf", path)
    url = minio_storage.download_url("k/a.pdf", "a.pdf")
    assert int(re.search(r"X-Amz-Expires=(\d+)", url).group(1)) <= 60
    url = minio_storage.download_url("k/a.pdf", "a.pdf", expires_seconds=3600)
    assert int(re.search(r"X-Amz-Expires=(\d+)", url).group(1)) <= 60


def test_alert_digests_say_nothing_of_cases_outside_the_scope(session):
    from legalcase.models import Task
    from legalcase.models.base import utcnow
    from legalcase.services.alerts import collect

    admin, user, north, south, shared, only_south, mine, theirs, other = _portfolio(session)
    user.email = "north@example.com"
    for case, key in ((mine, "north"), (theirs, "south")):
        session.add(
            Task(
                case_id=case.id,
                assignee_id=user.id,
                reason_key=key,
                title=f"跟进{case.title}",
                reason="测试",
                due_date=date(2026, 11, 25),
                created_at=utcnow(),
            )
        )
    session.commit()
    digests = {d.user.id: d for d in collect(session, date(2026, 11, 25))}
    lines = [i.line for i in digests[user.id].items]
    assert any("华北 共同客户 货款" in line for line in lines)
    assert not any("华南" in line for line in lines)


def test_a_debtor_another_subsidiary_chases_is_linked_not_duplicated_nor_named(
    client, session, tmp_path
):
    from legalcase.domain.errors import DomainError
    from legalcase.domain.importer import guess_mapping
    from legalcase.models import Case, Party
    from legalcase.services import importer
    from tests.integration.test_import import _one_row

    admin, user, north, south, shared, only_south, mine, theirs, other = _portfolio(session)
    login(client, user)
    # A new party with the hidden debtor's code: a clear refusal that does not name it.
    r = client.post(
        "/parties/new",
        data={"kind": "company", "name": "随便", "id_code": only_south.id_code},
    )
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "其他债权主体的当事人" in page and "南方独有客户" not in page
    # The import, as the scoped user: the row's debtor is the existing party, now visible.
    scope.apply_scope(session, session.get(User, user.id))
    path = tmp_path / "north.csv"
    _one_row(path, "南方独有客户有限公司", only_south.id_code, "N-900", "5000.00")
    headers, raw = importer.read_table(path)
    plan = importer.plan(session, north.id, raw, guess_mapping(headers))
    assert not plan.errors, plan.errors
    try:
        importer.apply(session, session.get(User, user.id), north.id, plan)
        session.commit()
    except DomainError as exc:  # pragma: no cover - shows the message on failure
        raise AssertionError(exc.message) from exc
    scope.apply_scope(session, None)
    session.expire_all()
    assert session.scalars(select(Party).where(Party.id_code == only_south.id_code)).all() == [
        session.get(Party, only_south.id)
    ]
    new_case = session.scalars(
        select(Case).where(Case.debtor_id == only_south.id, Case.creditor_id == north.id)
    ).one()
    assert client.get(f"/parties/{only_south.id}").status_code == 200
    assert client.get(f"/cases/{new_case.id}").status_code == 200
    assert client.get(f"/cases/{other.id}").status_code == 404  # still the other's case
