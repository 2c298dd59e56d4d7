"""Documents generated for a case: list, generate (with preconditions), download."""

from __future__ import annotations

from flask import current_app, g, send_file

from legalcase import schemas as S
from legalcase.db import db
from legalcase.models import GeneratedDocument
from legalcase.services import documents as document_svc
from legalcase.services import queries
from legalcase.services.common import get_or_404
from legalcase.web.downloads import named

from . import body, bp, case_or_404, dumps

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/cases/<int:case_id>/documents")
@dumps(S.DocumentList)
def list_documents(case_id: int):
    case_or_404(case_id)
    return {"items": queries.case_documents(db.session, case_id)}


@bp.post("/cases/<int:case_id>/documents")
@dumps(S.DocumentOut, status=201)
def create_document(case_id: int):
    case = case_or_404(case_id)
    data = S.parse(S.GenerateSchema(), body())
    return document_svc.generate(
        db.session,
        db.storage,
        g.api_user,
        case,
        data["doc_type"],
        as_of=data["as_of"],
        config=current_app.config,
        override_reason=data.get("override_reason"),
        pay_days=data["pay_days"],
    )


@bp.get("/documents/<int:doc_id>/docx")
def download_document(doc_id: int):
    doc = get_or_404(db.session, GeneratedDocument, doc_id, "文书")
    response = send_file(
        db.storage.open(doc.storage_key),
        as_attachment=True,
        download_name=f"{doc.reference}.docx",
        conditional=False,
        mimetype=DOCX,
    )
    named(response, f"{doc.reference}.docx", fallback=f"document-{doc.id}.docx")
    response.headers["X-Content-SHA256"] = doc.sha256
    return response
