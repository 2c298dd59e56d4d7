"""Uploading, previewing and using a hostile Word template: refused with the part named, never
a server error, nothing kept."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from legalcase.models import GeneratedDocument, TemplateVersion
from legalcase.models.base import utcnow
from storage import make_storage
from tests import factories as F
from tests.docx_files import docx_with, saved, with_notes, zip_bomb
from tests.web.test_pages import login


def _post(client, data: bytes):
    return client.post(
        "/settings/templates/reminder_30",
        data={"file": (io.BytesIO(data), "t.docx")},
        content_type="multipart/form-data",
    )


def _titled(title: str) -> bytes:
    doc = Document()
    doc.add_paragraph("致{{ debtor.name }}")
    doc.core_properties.title = title
    return saved(doc)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb(300)


def test_hostile_uploads_are_refused_naming_the_part(client, session, bomb):
    login(client, F.user(session, "legal"))
    cases = [
        (_titled("{{ lipsum }}"), "文档属性（docProps/core.xml）：未知字段：lipsum"),
        (
            with_notes(docx_with("致{{ debtor.name }}"), "footnotes", "{{ range(10) }}"),
            "脚注（word/footnotes.xml）：不允许使用 Call",
        ),
        (docx_with("{{ claim.total * 10**9 }}"), "正文（word/document.xml）：不允许使用运算符 *"),
        (bomb, "正文（word/document.xml）：解压后 300.0 MB"),
    ]
    for data, said in cases:
        r = _post(client, data)
        assert r.status_code == 422 and said in r.data.decode(), said
    assert session.scalar(select(func.count()).select_from(TemplateVersion)) == 0


def _stored_without_checks(app, session, user, data: bytes) -> None:
    """A version kept before these checks existed."""
    storage = make_storage(app.config)
    with tempfile.NamedTemporaryFile(suffix=".docx", delete=False) as fh:
        fh.write(data)
    storage.put_file("templates/reminder_30/legacy", Path(fh.name))
    Path(fh.name).unlink()
    session.add(
        TemplateVersion(
            doc_type="reminder_30",
            version=1,
            storage_key="templates/reminder_30/legacy",
            sha256="0" * 64,
            fields_used="",
            uploaded_by_id=user.id,
            uploaded_at=utcnow(),
        )
    )
    session.commit()


def test_a_stored_zip_bomb_is_refused_by_the_preview(app, client, session, bomb):
    admin = F.user(session)
    _stored_without_checks(app, session, admin, bomb)
    login(client, admin)
    r = client.get("/settings/templates/reminder_30/preview")
    assert r.status_code == 400
    assert "文书模板无法填充：正文（word/document.xml）：解压后 300.0 MB" in r.data.decode()


def test_a_stored_template_that_calls_functions_generates_nothing(app, client, session):
    admin = F.user(session)
    _stored_without_checks(app, session, admin, _titled("{{ range(10) }}{{ lipsum(5) }}"))
    case = F.case(session, admin)
    F.receivable(session, admin, case)
    login(client, admin)
    r = client.post(
        f"/cases/{case.id}/documents",
        data={"doc_type": "reminder_30", "as_of": "2026-11-24", "pay_days": "7"},
    )
    assert r.status_code in (400, 422)
    assert "文档属性（docProps/core.xml）：模板无法填充" in r.data.decode()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(GeneratedDocument)) == 0
