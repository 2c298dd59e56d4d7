"""模板管理: a shipped template re-uploaded unchanged is accepted; an earlier version (or the
default) is restored as a new version; version numbers are never shared (issue 13 point 7)."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from docx import Document
from sqlalchemy import select

from docgen.fields import DOCUMENTS
from legalcase.models import AuditEntry, GeneratedDocument, TemplateVersion
from legalcase.services import documents as docs
from legalcase.services.uow import UnitOfWork
from tests import factories as F
from tests.web.test_pages import login

SHIPPED = Path(__file__).resolve().parents[2] / "templates" / "documents"


def _docx(*texts: str) -> bytes:
    doc = Document()
    for text in texts:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client, doc_type: str, data: bytes, note: str = ""):
    return client.post(
        f"/settings/templates/{doc_type}",
        data={"file": (io.BytesIO(data), f"{doc_type}.docx"), "note": note},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_every_shipped_template_re_uploaded_unchanged_is_accepted(client, session):
    login(client, F.user(session, "legal"))
    for doc_type in DOCUMENTS:
        shipped = (SHIPPED / f"{doc_type}.docx").read_bytes()
        downloaded = client.get(f"/settings/templates/{doc_type}/download").data
        assert downloaded == shipped, doc_type  # what the screen hands out is the shipped file
        r = _upload(client, doc_type, downloaded, "原样上传")
        html = r.data.decode()
        assert r.status_code == 200 and "模板已更新为第 1 版" in html, (doc_type, html[-800:])
        assert "未知字段" not in html
    session.rollback()
    rows = session.scalars(select(TemplateVersion)).all()
    assert sorted(r.doc_type for r in rows) == sorted(DOCUMENTS)
    assert "firm_seal" in next(r for r in rows if r.doc_type == "lawyer_letter").fields_used


def test_restoring_version_1_makes_documents_render_from_it(app, client, session):
    legal = F.user(session, "legal")
    login(client, legal)
    one = _docx(
        "第一版催款函 {{ letter_number }}", "致{{ debtor.name }}：欠款{{ claim.principal }}元"
    )
    two = _docx("第二版催款函 {{ letter_number }}", "致{{ debtor.name }}")
    assert "第 1 版" in _upload(client, "reminder_30", one, "v1").data.decode()
    assert "第 2 版" in _upload(client, "reminder_30", two, "v2").data.decode()
    page = client.get("/settings/templates").data.decode()
    assert 'aria-label="恢复 reminder_30 v1"' in page  # the history offers v1 and the default

    r = client.post(
        "/settings/templates/reminder_30/restore", data={"version": "1"}, follow_redirects=True
    )
    html = r.data.decode()
    assert r.status_code == 200 and "已恢复为第 1 版的内容，成为第 3 版" in html, html[-800:]
    session.rollback()
    rows = session.scalars(select(TemplateVersion).order_by(TemplateVersion.version)).all()
    assert [(r.version, r.note) for r in rows] == [(1, "v1"), (2, "v2"), (3, "恢复自第 1 版")]
    assert rows[2].sha256 == rows[0].sha256 and rows[2].uploaded_by_id == legal.id
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "template_versions", AuditEntry.entity_id == rows[2].id
        )
    ).all()
    assert [(a.action, a.user_id) for a in audit] == [("create", legal.id)]
    assert client.get("/settings/templates/reminder_30/download?version=3").data == one

    case = F.case(session, legal)
    F.receivable(session, legal, case)
    r = client.post(
        f"/cases/{case.id}/documents",
        data={"doc_type": "reminder_30", "as_of": "2026-11-24", "pay_days": "7"},
    )
    assert r.status_code in (200, 302), r.data.decode()[-500:]
    session.rollback()
    doc = session.scalar(select(GeneratedDocument))
    assert doc.template_version == 3
    with app.extensions["legalcase_storage"].open(doc.storage_key) as fh:
        text = _text(fh.read())
    assert "第一版催款函" in text and "第二版" not in text

    # the shipped default can be restored too: version 4, the default's content
    r = client.post(
        "/settings/templates/reminder_30/restore", data={"version": "0"}, follow_redirects=True
    )
    assert "已恢复为默认模板的内容，成为第 4 版" in r.data.decode()
    default = (SHIPPED / "reminder_30.docx").read_bytes()
    assert client.get("/settings/templates/reminder_30/download").data == default


def test_restoring_is_for_legal_staff_and_an_unknown_version_is_said(client, session):
    legal = F.user(session, "legal")
    collector = F.user(session, "collector")
    login(client, legal)
    _upload(client, "statement", _docx("对账 {{ debtor.name }}"))
    r = client.post("/settings/templates/statement/restore", data={"version": "7"})
    assert r.status_code in (404, 422) and "模板版本" in r.data.decode()
    client.get("/logout")
    login(client, collector)
    r = client.post("/settings/templates/statement/restore", data={"version": "0"})
    assert r.status_code == 403
    page = client.get("/settings/templates").data.decode()
    assert 'aria-label="恢复 statement' not in page
    session.rollback()
    assert [v.version for v in session.scalars(select(TemplateVersion))] == [1]


def test_a_version_number_taken_meanwhile_is_not_reused(app, session, tmp_path, monkeypatch):
    """Two uploads that read the same last number: the second insert is refused by the
    unique (doc_type, version) and takes the next number instead of failing."""
    legal = F.user(session, "legal")
    sessions = app.extensions["legalcase_db"]["sessions"]
    store = app.extensions["legalcase_storage"]
    data = _docx("版本 {{ debtor.name }}")
    with UnitOfWork(sessions, store, write=True) as uow:
        docs.upload_template(
            uow.session, uow.storage, legal, "statement", data, "first", str(tmp_path)
        )
        uow.commit()
    from legalcase.services.documents import templates as module

    stale = [0]  # the first read misses the version stored meanwhile
    real_scalar = type(session).scalar

    def scalar(self, stmt, *args, **kwargs):
        if "template_versions.version" in str(stmt) and "max" not in str(stmt).lower():
            if stale:
                return stale.pop()
        return real_scalar(self, stmt, *args, **kwargs)

    with UnitOfWork(sessions, store, write=True) as uow:
        monkeypatch.setattr(type(uow.session), "scalar", scalar)
        row = module.upload_template(
            uow.session,
            uow.storage,
            uow.session.get(type(legal), legal.id),
            "statement",
            data,
            "second",
            str(tmp_path),
        )
        monkeypatch.undo()
        uow.commit()
    assert stale == [] and row.version == 2  # the stale read was made, then retried
    session.rollback()
    assert [v.version for v in session.scalars(select(TemplateVersion))] == [1, 2]


def test_uploads_at_the_same_moment_get_distinct_versions(app, session, tmp_path):
    legal = F.user(session, "legal")
    sessions = app.extensions["legalcase_db"]["sessions"]
    store = app.extensions["legalcase_storage"]
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def work(n: int) -> None:
        try:
            start.wait()
            for k in range(2):
                with UnitOfWork(sessions, store, write=True) as uow:
                    actor = uow.session.get(type(legal), legal.id)
                    data = _docx(f"并发 {n}-{k} {{{{ debtor.name }}}}")
                    docs.upload_template(
                        uow.session, uow.storage, actor, "reminder_60", data, None, str(tmp_path)
                    )
                    uow.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    session.rollback()
    versions = session.scalars(
        select(TemplateVersion.version).where(TemplateVersion.doc_type == "reminder_60")
    ).all()
    assert sorted(versions) == list(range(1, 9))


def test_the_preview_of_every_shipped_template_prints_no_placeholder(client, session):
    login(client, F.user(session, "legal"))
    for doc_type in DOCUMENTS:
        preview = _text(client.get(f"/settings/templates/{doc_type}/preview").data)
        assert "{{" not in preview and "{%" not in preview, doc_type
