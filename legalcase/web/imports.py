"""导入: an ERP aging ledger, in three steps: upload, confirm the columns, dry run then import."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.importer import FIELDS, guess_mapping
from legalcase.services import importer, queries
from legalcase.services.importer import uploads

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.before_request
@login_required
def _require_importer():
    importer.require_importer(current_user)  # before any file is read
    return None


def _tmp() -> str:
    return current_app.config["UPLOAD_TMP"]


def _creditor_id() -> int:
    raw = (request.form.get("creditor_id") or "").strip()
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise ValidationFailed({"creditor_id": "请选择债权主体"})
    return int(raw)


def _mapping(form) -> dict[str, str]:
    return {f: form[f"map-{f}"] for f in FIELDS if form.get(f"map-{f}")}


@bp.get("")
def index(message: str | None = None):
    return render_template(
        "import_upload.html", creditors=queries.choices_creditors(db.session), message=message
    )


@bp.post("")
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:
        return index("请选择 CSV 或 Excel（.xlsx）文件"), 422
    try:  # kept in the deployment's storage: any server or worker reads it by its token
        token, headers, rows = uploads.stage(db.storage, file.stream, _tmp())
    except DomainError as exc:
        return index(exc.message), 422
    return render_template(
        "import_mapping.html",
        token=token,
        headers=headers,
        rows=rows[:5],
        total=len(rows),
        fields=FIELDS,
        guess=guess_mapping(headers),
        creditor_id=request.form.get("creditor_id"),
        creditors=queries.choices_creditors(db.session),
    )


@bp.post("/<token>/preview")
def preview(token: str):
    return _preview(token)


def _preview(token: str, refuse: bool = False):
    """The dry run; with ``refuse`` the import the user asked for is refused on this page
    (bad rows not skipped) instead of starting a job that could only refuse it."""
    _, raw = uploads.read(db.storage, token, _tmp())
    creditor_id = _creditor_id()
    plan = importer.plan(db.session, creditor_id, raw, _mapping(request.form))
    message = None
    if refuse:
        try:
            importer.refuse_bad_rows(plan, skip_bad=False)
        except DomainError as exc:
            message = exc.message
    page = render_template(
        "import_preview.html",
        token=token,
        plan=plan,
        form=request.form,
        fields=FIELDS,
        message=message,
        creditor=queries.choices_creditors(db.session).get(creditor_id, ""),
    )
    return (page, 422) if message else page


@bp.post("/<token>/apply")
def run(token: str):
    """Import as a background job (``imports.apply``): the file goes to storage, the job's
    page shows how it went; the request returns at once."""
    from legalcase.jobs import submit
    from legalcase.jobs.imports import KIND

    if request.form.get("bad_rows", "0") != "0" and not request.form.get("skip_bad"):
        return _preview(token, refuse=True)
    key = uploads.require(db.storage, token)  # the job reads it from storage
    creditor_id = _creditor_id()
    params = {
        "file_key": key,
        "creditor_id": creditor_id,
        "mapping": _mapping(request.form),
        "skip_bad": bool(request.form.get("skip_bad")),
    }
    job = submit(db.session, KIND, params=params, created_by=current_user._get_current_object())
    return redirect(url_for("jobs.show", job_id=job.id))
