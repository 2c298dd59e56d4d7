"""文书: generate letters and filings from the case, download them, record that they were sent."""

from __future__ import annotations

import io

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

from docgen.fields import DOCUMENTS
from docgen.pdf import ConversionUnavailable
from legalcase import schemas as S
from legalcase.db import db, writes
from legalcase.domain.aging import TIER_LABELS
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, can_change_case, require_writer
from legalcase.domain.values import TimestampedKind
from legalcase.models import Case, GeneratedDocument
from legalcase.services import documents as docs
from legalcase.services.clock import today
from legalcase.services.common import get_or_404
from legalcase.services.timestamps import shown_timestamps, token_der

from .downloads import named
from .forms import only_form_errors

bp = Blueprint("documents", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _storage():
    return db.storage


def _page(case: Case, errors=None, message=None, values=None):
    rows = docs.case_documents(db.session, case)
    return render_template(
        "documents.html",
        case=case,
        rows=rows,
        stamps=shown_timestamps(db.session, TimestampedKind.DOCUMENT, rows),
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
        only_form_errors(exc)
        return _page(case, exc.fields, exc.message, values)
    flash(f"已生成 {DOCUMENTS[doc.doc_type]['title']}：{doc.reference}", "success")
    return redirect(url_for("documents.index", case_id=case.id))


def _doc(doc_id: int) -> GeneratedDocument:
    return get_or_404(db.session, GeneratedDocument, doc_id, "文书")


@bp.get("/documents/<int:doc_id>/docx")
def download_docx(doc_id: int):
    doc = _doc(doc_id)
    name = f"{DOCUMENTS[doc.doc_type]['title']}-{doc.reference}.docx"
    return named(
        send_file(
            _storage().open(doc.storage_key),
            as_attachment=True,
            download_name=name,
            conditional=False,
            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        name,
        fallback=f"{doc.doc_type}-{doc.reference}.docx",
    )


@bp.get("/documents/<int:doc_id>/pdf")
@writes
def download_pdf(doc_id: int):
    doc = _doc(doc_id)
    try:
        key = docs.pdf_for(db.session, _storage(), doc, current_app.config["UPLOAD_TMP"])
    except ConversionUnavailable as exc:
        return _page(db.session.get(Case, doc.case_id), {}, str(exc))
    name = f"{DOCUMENTS[doc.doc_type]['title']}-{doc.reference}.pdf"
    return named(
        send_file(
            _storage().open(key),
            as_attachment=True,
            download_name=name,
            mimetype="application/pdf",
            conditional=False,
        ),
        name,
        fallback=f"{doc.doc_type}-{doc.reference}.pdf",
    )


@bp.get("/documents/<int:doc_id>/timestamp.tsr")
def download_timestamp(doc_id: int):
    """The document's RFC 3161 token as the authority answered it (DER TimeStampResp), for
    ``openssl ts -verify -digest <the .docx's SHA-256> -in <file> -CAfile <certificates>``."""
    doc = _doc(doc_id)
    der = token_der(db.session, TimestampedKind.DOCUMENT, doc, "文书")
    name = f"{DOCUMENTS[doc.doc_type]['title']}-{doc.reference}.tsr"
    return named(
        send_file(
            io.BytesIO(der),
            as_attachment=True,
            download_name=name,
            mimetype="application/timestamp-reply",
            conditional=False,
        ),
        name,
        fallback=f"{doc.doc_type}-{doc.reference}.tsr",
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
        only_form_errors(exc)
        return _page(case, exc.fields, exc.message)
    flash("已登记发送；送达日期已作为时效中断事由计入期限", "success")
    return redirect(url_for("documents.index", case_id=case.id))


# ---- 模板管理 ----------------------------------------------------------------------


@bp.get("/settings/templates")
def templates(message: str | None = None, errors: dict | None = None):
    return render_template(
        "templates.html",
        types=DOCUMENTS,
        versions=docs.template_versions(db.session),
        message=message,
        errors=errors or {},
    ), (422 if message else 200)


@bp.post("/settings/templates/<doc_type>")
def upload_template(doc_type: str):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise DomainError("no_file", "请选择 .docx 模板文件", {"file": "请选择文件"})
        data = upload.stream.read(docs.TEMPLATE_MAX_BYTES + 1)
        row = docs.upload_template(
            db.session,
            _storage(),
            current_user,
            doc_type,
            data,
            request.form.get("note"),
            current_app.config["UPLOAD_TMP"],
        )
    except DomainError as exc:
        only_form_errors(exc)
        return templates(exc.message, {doc_type: exc.message})
    flash(
        f"{DOCUMENTS[doc_type]['title']} 模板已更新为第 {row.version} 版（旧版本保留）", "success"
    )
    return redirect(url_for("documents.templates"))


@bp.post("/settings/templates/<doc_type>/restore")
def restore_template(doc_type: str):
    try:
        version = request.form.get("version", type=int)
        if version is None:
            raise DomainError("no_version", "请选择要恢复的版本", {"version": "请选择版本"})
        row = docs.restore_template(
            db.session,
            _storage(),
            current_app.config,
            current_user,
            doc_type,
            version,
            current_app.config["UPLOAD_TMP"],
        )
    except DomainError as exc:
        only_form_errors(exc)
        return templates(exc.message, {doc_type: exc.message})
    flash(
        f"{DOCUMENTS[doc_type]['title']} 模板已恢复为{row.note.removeprefix('恢复自')}的内容，"
        f"成为第 {row.version} 版（历史版本保留）",
        "success",
    )
    return redirect(url_for("documents.templates"))


def _template_bytes(doc_type: str) -> tuple[bytes, int]:
    version = request.args.get("version", type=int)
    return docs.template_file(db.session, _storage(), current_app.config, doc_type, version)


@bp.get("/settings/templates/<doc_type>/preview")
def preview_template(doc_type: str):
    data, version = _template_bytes(doc_type)
    rendered = docs.preview_template(data)
    return named(
        send_file(
            io.BytesIO(rendered),
            as_attachment=True,
            download_name=f"预览-{DOCUMENTS[doc_type]['title']}-v{version}.docx",
            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        f"预览-{DOCUMENTS[doc_type]['title']}-v{version}.docx",
        fallback=f"preview-{doc_type}-v{version}.docx",
    )


@bp.get("/settings/templates/<doc_type>/download")
def download_template(doc_type: str):
    data, version = _template_bytes(doc_type)
    return named(
        send_file(
            io.BytesIO(data),
            as_attachment=True,
            download_name=f"{doc_type}-v{version}.docx",
            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        f"{doc_type}-v{version}.docx",
    )


# ---- 批量催款函 ----------------------------------------------------------------------


@bp.get("/documents/batch")
def batch():
    can_start = Role(current_user.role) != Role.VIEWER
    return render_template(
        "batch.html",
        tiers=TIER_LABELS,
        types=docs.batch_types(),
        today=today(),
        can_start=can_start,
    )


@bp.post("/documents/batch")
def batch_run():
    """Start the batch as a job (``letters.batch``) and show its progress page."""
    from legalcase.jobs import submit
    from legalcase.jobs.letters import KIND

    require_writer(Role(current_user.role))  # a viewer starts nothing (403)
    as_of = today()
    user = current_user._get_current_object()
    doc_type = request.form.get("doc_type")
    include = docs.BatchInclude(
        in_court=request.form.get("include_in_court") == "1",
        mediation=request.form.get("include_mediation") == "1",
        on_plan=request.form.get("include_on_plan") == "1",
    )
    ids, passed = docs.pick_batch(
        db.session, user, request.form.get("tier"), doc_type, as_of, include
    )
    params = {
        "doc_type": doc_type,
        "case_ids": ids,
        "as_of": as_of.isoformat(),
        "pdf": request.form.get("pdf") == "1",
        "passed": passed,
    }
    job = submit(db.session, KIND, params=params, created_by=user, total=len(ids))
    return redirect(url_for("jobs.show", job_id=job.id), 303)


@bp.get("/documents/batch/<sha>.zip")
def batch_download(sha: str):
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise DomainError("not_found", "文件不存在")
    return named(
        send_file(
            _storage().open(f"batches/{sha}"),
            as_attachment=True,
            download_name="催款函.zip",
            mimetype="application/zip",
        ),
        "催款函.zip",
        fallback="demand-letters.zip",
    )
