"""证据链: upload, list, checklist, bundles, downloads (every access in the custody log)."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from legalcase import schemas as S
from legalcase.db import db, writes
from legalcase.domain.errors import DomainError
from legalcase.domain.evidence import ALLOWED_TYPES, KINDS
from legalcase.domain.roles import Role, can_change_case
from legalcase.domain.values import LEGAL_EFFECT_SHORT as V_SHORT
from legalcase.domain.values import ORIGINAL_OR_COPY
from legalcase.models import Case, EvidenceBundle, EvidenceItem
from legalcase.services import evidence as ev
from legalcase.services.clock import SHANGHAI
from legalcase.services.common import get_or_404
from legalcase.services.evidence.upload import DuplicateEvidence

from .downloads import send_verified
from .forms import only_form_errors

BUNDLE_ITEMS = "编入证据册的证据（册序）"

bp = Blueprint("evidence", __name__)
BUNDLE_JOB = "evidence.bundle"  # bundles are built by the job queue (legalcase.jobs.evidence)


@bp.before_request
@login_required
def _require_login():
    return None


@bp.app_template_filter("hms")
def _hms(seconds: float | None) -> str:
    from docgen.evidence_pages import hms

    return hms(seconds)


def _storage():
    return db.storage


def _upload_args() -> dict:
    return {
        "tmp_dir": current_app.config["UPLOAD_TMP"],
        "max_bytes": current_app.config["EVIDENCE_MAX_MB"] * 2**20,
    }


def _page(
    case: Case, errors: dict | None = None, message: str | None = None, values: dict | None = None
):
    data = ev.evidence_page(db.session, case)
    demandable = {
        i.id
        for i in data.items
        if i.content_type == "message/rfc822"
        and i.status == "active"
        and not i.ledger_entries
        and ev.demand_addressee(db.session, case, i)
    }
    return render_template(
        "evidence.html",
        case=case,
        page=data,
        errors=errors or {},
        message=message,
        values=values or {},
        kinds=KINDS,
        original_or_copy=ORIGINAL_OR_COPY,
        types=ALLOWED_TYPES,
        can_edit=can_change_case(Role(current_user.role), current_user.id, case.owner_id),
        receivables={r.id: r.invoice_no for r in case.receivables},
        ledger_choices={row["entry"].id: row["entry"] for row in data.interruptions},
        proofs=ev.proofs_by_entry(db.session, case),
        entries_by_id={row["entry"].id: row["entry"] for row in data.interruptions},
        demandable=demandable,
        **_bundle_jobs(case, data.bundles),
    ), (422 if errors or message else 200)


def _bundle_jobs(case: Case, bundles) -> dict:
    """Bundles still being built (the page polls them), and the outcome of the one just
    asked for (``?bundle_job=``): its page count when built, why not when refused."""
    from legalcase.services import jobs as job_svc

    jobs = job_svc.case_jobs(db.session, current_user, case.id, BUNDLE_JOB)
    asked = request.args.get("bundle_job", type=int)
    finished = (job_svc.DONE, job_svc.FAILED)
    shown = next((j for j in jobs if j.id == asked and j.status in finished), None)
    built = None
    if shown is not None and shown.status == job_svc.DONE:
        bundle_id = (shown.result or {}).get("bundle_id")
        built = next((b for b in bundles if b.id == bundle_id), None)
    return {
        "bundle_jobs": [j for j in jobs if j.status not in finished],
        "bundle_failed": shown.error
        if shown is not None and shown.status == job_svc.FAILED
        else None,
        "bundle_built": built,
    }


@bp.get("/cases/<int:case_id>/evidence")
def index(case_id: int):
    return _page(get_or_404(db.session, Case, case_id, "案件"))


@bp.post("/cases/<int:case_id>/evidence")
def upload(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    values = request.form.to_dict()
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise DomainError("no_file", "请选择要上传的文件", {"file": "请选择文件"})
        meta = S.parse(
            S.EvidenceSchema(),
            {
                k: v
                for k, v in values.items()
                if k not in ("csrf_token", "receivable_ids", "ledger_entry_ids", "is_original")
            },
        )
        meta["receivable_ids"] = [
            int(v) for v in request.form.getlist("receivable_ids") if v.isdigit()
        ]
        meta["ledger_entry_ids"] = [
            int(v) for v in request.form.getlist("ledger_entry_ids") if v.isdigit()
        ]
        item = ev.add_evidence(
            db.session,
            _storage(),
            current_user,
            case,
            upload.stream,
            upload.filename,
            meta,
            **_upload_args(),
        )
    except DuplicateEvidence as exc:
        only_form_errors(exc)
        return _page(case, exc.fields, exc.message, {**values, "duplicate_of": exc.existing_id})
    except DomainError as exc:
        only_form_errors(exc)
        return _page(case, exc.fields, exc.message, values)
    flash(f"已上传：{item.title}（SHA-256 {item.sha256[:16]}…）", "success")
    return redirect(url_for("evidence.index", case_id=case.id))


def _item(item_id: int) -> EvidenceItem:
    return get_or_404(db.session, EvidenceItem, item_id, "证据")


@bp.get("/evidence/<int:item_id>/download")
@writes
def download(item_id: int):
    """The file, streamed through the app and checked against its SHA-256 as it goes (never
    a presigned S3 link: the check is the point); a changed file is refused or cut off."""
    item = _item(item_id)
    inline = request.args.get("inline") == "1"
    ev.record_access(db.session, current_user, item, "view" if inline else "download")
    return send_verified(
        kind="evidence",
        ident=item.id,
        user_id=current_user.id,
        key=item.storage_key,
        sha256=item.sha256,
        size=item.size,
        mimetype=item.content_type,
        download_name=item.original_filename or f"evidence-{item.id}",
        as_attachment=not inline,
        fallback=f"evidence-{item.id}-{item.original_filename or ''}",
    )


@bp.post("/evidence/<int:item_id>/meta")
def edit_meta(item_id: int):
    """The evidence list's fields of an item (the file itself is never changed)."""
    from legalcase.schemas.evidence import EvidenceMetaSchema

    item = _item(item_id)
    case = db.session.get(Case, item.case_id)
    raw = {k: v for k, v in request.form.items() if k in EvidenceMetaSchema().fields}
    try:
        data = S.parse(EvidenceMetaSchema(), raw, partial=True)
        ev.update_evidence_meta(db.session, current_user, item, data)
    except DomainError as exc:
        only_form_errors(exc)
        fields = {f"meta-{item.id}-{k}": v for k, v in (exc.fields or {}).items()}
        return _page(case, fields, exc.message)
    flash(f"已保存“{item.title}”的证据目录信息（文件与哈希不变，修改已记入审计）", "success")
    return redirect(url_for("evidence.index", case_id=case.id))


@bp.post("/evidence/<int:item_id>/withdraw")
def withdraw(item_id: int):
    item = _item(item_id)
    case = db.session.get(Case, item.case_id)
    try:
        ev.withdraw(db.session, current_user, item, request.form.get("reason", ""))
    except DomainError as exc:
        only_form_errors(exc)
        return _page(case, {f"withdraw-{item.id}": exc.message}, exc.message)
    flash("已撤回（文件与哈希仍保留）", "success")
    return redirect(url_for("evidence.index", case_id=case.id))


@bp.post("/evidence/<int:item_id>/supersede")
def supersede(item_id: int):
    old = _item(item_id)
    case = db.session.get(Case, old.case_id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise DomainError("no_file", "请选择新版本文件", {f"supersede-{old.id}": "请选择文件"})
        meta = {
            "kind": old.kind,
            "title": old.title,
            "source": old.source,
            "purpose": old.purpose,
            "document_date": old.document_date,
            "original_or_copy": old.original_or_copy,
            "reason": request.form.get("reason") or "上传了新版本",
        }
        ev.add_evidence(
            db.session,
            _storage(),
            current_user,
            case,
            upload.stream,
            upload.filename,
            meta,
            supersedes=old,
            **_upload_args(),
        )
    except DomainError as exc:
        only_form_errors(exc)
        return _page(case, exc.fields, exc.message)
    flash("已上传新版本，旧版本保留为“已替换”", "success")
    return redirect(url_for("evidence.index", case_id=case.id))


@bp.post("/evidence/<int:item_id>/as-demand")
def as_demand(item_id: int):
    item = _item(item_id)
    case = db.session.get(Case, item.case_id)
    try:
        entry = ev.record_email_as_demand(db.session, current_user, item)
    except DomainError as exc:
        only_form_errors(exc)
        return _page(case, {}, exc.message)
    flash(f"已记入催收台账：{entry.arrival_date} 送达的催告，期限已重新计算", "success")
    return redirect(url_for("evidence.index", case_id=case.id))


@bp.post("/cases/<int:case_id>/evidence/link")
def link(case_id: int):
    """Record which demand or acknowledgment an item proves (the item itself is unchanged)."""
    return _link_or_unlink(case_id, ev.link_evidence, "已关联：{title} 证明 {entry}")


@bp.post("/cases/<int:case_id>/evidence/unlink")
def unlink(case_id: int):
    return _link_or_unlink(case_id, ev.unlink_evidence, "已取消关联：{title} 与 {entry}")


def _link_or_unlink(case_id: int, action, done: str):
    case = get_or_404(db.session, Case, case_id, "案件")
    raw = request.form.get("evidence_id", "")
    item = db.session.get(EvidenceItem, int(raw)) if raw.isdigit() else None
    try:
        if item is None or item.case_id != case.id:
            raise DomainError(
                "no_evidence", "请选择本案的证据", {"evidence_id": "请选择本案的证据"}
            )
        entry = action(db.session, current_user, item, request.form.get("ledger_entry_id"))
    except DomainError as exc:
        only_form_errors(exc)
        return _page(case, exc.fields, exc.message)
    label = (
        f"{entry.contacted_at.astimezone(SHANGHAI):%Y-%m-%d} {V_SHORT.get(entry.legal_effect, '')}"
    )
    flash(done.format(title=item.title, entry=label), "success")
    return redirect(url_for("evidence.index", case_id=case.id))


@bp.post("/cases/<int:case_id>/bundles")
def make_bundle(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    typed = {k: v for k, v in request.form.items() if k.startswith("order-")}
    chosen = []
    for key, value in request.form.items():
        if key.startswith("order-") and value.strip():
            try:
                chosen.append((float(value), int(key.removeprefix("order-"))))
            except ValueError:
                msg = f"册序应为数字：{value}"
                return _page(case, {"items": msg}, f"{BUNDLE_ITEMS}：{msg}", typed)
    if not chosen:
        msg = "请至少选择一项证据：在要编入的证据的“册序”栏填数字（1、2、3…）"
        return _page(case, {"items": msg}, f"{BUNDLE_ITEMS}：{msg}", typed)
    item_ids = [i for _, i in sorted(chosen)]
    try:
        ev.check_bundle_items(db.session, current_user, case, item_ids)
    except DomainError as exc:
        only_form_errors(exc)
        msg = exc.message
        if exc.fields.get("items"):
            msg = f"{BUNDLE_ITEMS}：{exc.fields['items']}"
        return _page(case, exc.fields, msg, typed)
    from legalcase.jobs import submit

    params = {"case_id": case.id, "item_ids": item_ids, "title": request.form.get("title")}
    user = current_user._get_current_object()
    job = submit(db.session, BUNDLE_JOB, params=params, created_by=user, case_id=case.id)
    return redirect(url_for("evidence.index", case_id=case.id, bundle_job=job.id))


@bp.get("/bundles/<int:bundle_id>/download")
@writes
def bundle_download(bundle_id: int):
    bundle = get_or_404(db.session, EvidenceBundle, bundle_id, "证据册")
    ev.custody(db.session, bundle.case_id, "download", current_user.id, bundle_id=bundle.id)
    return send_verified(
        kind="bundle",
        ident=bundle.id,
        user_id=current_user.id,
        key=bundle.storage_key,
        sha256=bundle.sha256,
        size=bundle.size,
        mimetype="application/pdf",
        download_name=f"证据册-{bundle.id}.pdf",
        fallback=f"evidence-bundle-{bundle.id}.pdf",
    )
