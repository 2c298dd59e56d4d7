"""文书: generate letters and filings from the case, download them, record that they were sent."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from docgen.fields import DOCUMENTS
from docgen.pdf import ConversionUnavailable
from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, can_change_case
from legalcase.models import Case, GeneratedDocument
from legalcase.services import documents as docs
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

bp = Blueprint("documents", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _storage():
    return current_app.extensions["legalcase_storage"]


def _page(case: Case, errors=None, message=None, values=None):
    rows = list(
        db.session.scalars(
            select(GeneratedDocument)
            .where(GeneratedDocument.case_id == case.id)
            .order_by(GeneratedDocument.id.desc())
        )
    )
    return render_template(
        "documents.html",
        case=case,
        rows=rows,
        types=DOCUMENTS,
        errors=errors or {},
        message=message,
        values=values or {"as_of": str(today()), "pay_days": "15"},
        can_edit=can_change_case(Role(current_user.role), current_user.id, case.owner_id),
    ), (422 if message else 200)


@bp.get("/cases/<int:case_id>/documents")
def index(case_id: int):
    return _page(get_or_404(db.session, Case, case_id, "案件"))


@bp.post("/cases/<int:case_id>/documents")
def generate(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    values = request.form.to_dict()
    try:
        data = S.parse(S.GenerateSchema(), {k: v for k, v in values.items() if k != "csrf_token"})
        doc = docs.generate(
            db.session,
            _storage(),
            current_user,
            case,
            data["doc_type"],
            as_of=data["as_of"],
            config=current_app.config,
            override_reason=data.get("override_reason"),
            pay_days=data["pay_days"],
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(case, exc.fields, exc.message, values)
    flash(f"已生成 {DOCUMENTS[doc.doc_type]['title']}：{doc.letter_number}", "success")
    return redirect(url_for("documents.index", case_id=case.id))


def _doc(doc_id: int) -> GeneratedDocument:
    return get_or_404(db.session, GeneratedDocument, doc_id, "文书")


@bp.get("/documents/<int:doc_id>/docx")
def download_docx(doc_id: int):
    doc = _doc(doc_id)
    name = f"{DOCUMENTS[doc.doc_type]['title']}-{doc.letter_number}.docx"
    return send_file(
        _storage().open(doc.storage_key),
        as_attachment=True,
        download_name=name,
        conditional=False,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@bp.get("/documents/<int:doc_id>/pdf")
def download_pdf(doc_id: int):
    doc = _doc(doc_id)
    try:
        key = docs.pdf_for(db.session, _storage(), doc, current_app.config["UPLOAD_TMP"])
    except ConversionUnavailable as exc:
        return _page(db.session.get(Case, doc.case_id), {}, str(exc))
    name = f"{DOCUMENTS[doc.doc_type]['title']}-{doc.letter_number}.pdf"
    return send_file(
        _storage().open(key),
        as_attachment=True,
        download_name=name,
        mimetype="application/pdf",
        conditional=False,
    )


@bp.post("/documents/<int:doc_id>/sent")
def sent(doc_id: int):
    doc = _doc(doc_id)
    case = db.session.get(Case, doc.case_id)
    values = request.form.to_dict()
    proof = request.files.get("proof")
    try:
        data = S.parse(S.SentSchema(), {k: v for k, v in values.items() if k != "csrf_token"})
        docs.mark_sent(
            db.session,
            _storage(),
            current_user,
            doc,
            data,
            (proof.stream, proof.filename) if proof and proof.filename else None,
            tmp_dir=current_app.config["UPLOAD_TMP"],
            max_bytes=current_app.config["EVIDENCE_MAX_MB"] * 2**20,
        )
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(case, exc.fields, exc.message)
    flash("已登记发送；送达日期已作为时效中断事由计入期限", "success")
    return redirect(url_for("documents.index", case_id=case.id))
