"""Evidence of a case: list with the checklist, streamed upload, download (custody logged)."""

from __future__ import annotations

from flask import current_app, g, request

from legalcase import schemas as S
from legalcase.db import db, writes
from legalcase.domain.errors import ValidationFailed
from legalcase.models import EvidenceItem
from legalcase.schemas.timestamps import TimestampAuthorityOut
from legalcase.services import evidence as evidence_svc
from legalcase.services.common import get_or_404

from . import bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/evidence")
@dumps(S.EvidenceList)
def list_evidence(case_id: int):
    return evidence_svc.evidence_page(db.session, case_or_404(case_id))


@bp.post("/cases/<int:case_id>/evidence")
@dumps(S.EvidenceOut, status=201)
def upload_evidence(case_id: int):
    case = case_or_404(case_id)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed({"file": "请以 multipart/form-data 上传，文件字段名为 file"})
    meta = S.parse(S.EvidenceSchema(), request.form.to_dict())
    cfg = current_app.config
    return evidence_svc.add_evidence(
        db.session,
        db.storage,
        g.api_user,
        case,
        upload.stream,
        upload.filename,
        meta,
        tmp_dir=cfg["UPLOAD_TMP"],
        max_bytes=cfg["EVIDENCE_MAX_MB"] * 2**20,
    )


@bp.get("/evidence/<int:item_id>/download")
@writes
def download_evidence(item_id: int):
    from legalcase.web.downloads import send_verified  # checked against SHA-256 as it streams

    item = get_or_404(db.session, EvidenceItem, item_id, "证据")
    evidence_svc.record_access(db.session, g.api_user, item, "download")
    return send_verified(
        kind="evidence",
        ident=item.id,
        user_id=g.api_user.id,
        key=item.storage_key,
        sha256=item.sha256,
        size=item.size,
        mimetype=item.content_type,
        download_name=item.original_filename or f"evidence-{item.id}",
        fallback=f"evidence-{item.id}-{item.original_filename or ''}",
    )


@bp.get("/evidence/<int:item_id>/timestamp")
def evidence_timestamp(item_id: int):
    """The item's RFC 3161 token as the authority answered it (DER TimeStampResp), for
    ``openssl ts -verify -digest <sha256> -in resp.tsr -CAfile <the authority's certificates>``."""
    from legalcase.domain.errors import DomainError
    from legalcase.domain.values import TimestampedKind
    from legalcase.services.timestamps import timestamps_for
    from legalcase.web.downloads import content_disposition

    item = get_or_404(db.session, EvidenceItem, item_id, "证据")
    row = timestamps_for(db.session, TimestampedKind.EVIDENCE, [item.id]).get(item.id)
    if row is None or not row.token:
        missing = DomainError("no_timestamp", "该证据尚无时间戳（待补时间戳），请稍后再试")
        missing.status = 404
        raise missing
    return (
        row.token_der,
        200,
        {
            "Content-Type": "application/timestamp-reply",
            "Content-Disposition": content_disposition(f"evidence-{item.id}.tsr"),
            "X-Content-SHA256": item.sha256,
        },
    )


@bp.get("/timestamp-authority")
@dumps(TimestampAuthorityOut)
def timestamp_authority():
    """Who signs the timestamps, and the certificates that verify them."""
    from legalcase.services.timestamps import authority

    signer = authority()
    return {
        "url": signer.url,
        "internal": signer.internal,
        "name": signer.label,
        "certificates_pem": signer.certificates_pem,
    }
