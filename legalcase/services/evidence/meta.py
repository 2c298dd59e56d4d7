"""What the evidence list says of an item (name, source, purpose, date, original or copy, a
recording's transcript) may be corrected after upload; the stored file, its hash and type never
change. Each change is in the audit log (before and after) by the audit listener."""

from __future__ import annotations

from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.values import ORIGINAL_OR_COPY
from legalcase.models import Case, EvidenceItem, User

from ..common import begin_case_write

EDITABLE = ("title", "source", "purpose", "document_date", "original_or_copy", "transcript")


def update_evidence_meta(
    session: Session, actor: User, item: EvidenceItem, data: dict
) -> EvidenceItem:
    """Change the list fields given in ``data``; a field left out stays as it is."""
    case = session.get(Case, item.case_id)
    begin_case_write(session, actor, case)
    if item.status != "active":
        raise DomainError("not_active", "已替换或撤回的证据不能修改")
    changes = {k: data[k] for k in EDITABLE if k in data}
    errors = {}
    if "title" in changes and not changes["title"]:
        errors["title"] = "请填写证据名称"
    if "original_or_copy" in changes and changes["original_or_copy"] not in ORIGINAL_OR_COPY:
        errors["original_or_copy"] = "请选择原件或复印件"
    if changes.get("transcript") and not item.content_type.startswith("audio/"):
        errors["transcript"] = "只有录音可以填写文字整理"
    if errors:
        raise ValidationFailed(errors)
    for key, value in changes.items():
        if getattr(item, key) != value:
            setattr(item, key, value)
    session.flush()
    return item
