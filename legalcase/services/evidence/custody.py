"""The chain of custody: every upload, view, download, export, check, withdrawal and
replacement of evidence is a row of the append-only custody log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.models import Case, CustodyEvent, EvidenceBundle, EvidenceItem, User
from legalcase.models.base import utcnow

from ..common import begin_case_write


def custody(
    session: Session,
    case_id: int,
    action: str,
    user_id: int | None,
    evidence_id: int | None = None,
    bundle_id: int | None = None,
    **detail,
) -> None:
    session.add(
        CustodyEvent(
            case_id=case_id,
            evidence_id=evidence_id,
            bundle_id=bundle_id,
            action=action,
            user_id=user_id,
            at=utcnow(),
            detail=detail or None,
        )
    )


def withdraw(session: Session, actor: User, item: EvidenceItem, reason: str) -> EvidenceItem:
    case = session.get(Case, item.case_id)
    begin_case_write(session, actor, case)
    if not reason or not reason.strip():
        raise ValidationFailed({"reason": "请填写撤回原因"})
    if item.status != "active":
        raise DomainError("not_active", "该证据已被替换或撤回")
    item.status = "withdrawn"
    item.status_reason = reason.strip()
    custody(session, case.id, "withdraw", actor.id, item.id, reason=reason.strip())
    session.flush()
    return item


def record_access(session: Session, actor: User, item: EvidenceItem, action: str) -> None:
    """A view or download, in the custody log (committed with the request that serves it)."""
    custody(session, item.case_id, action, actor.id, item.id)


def record_check(
    session: Session,
    target: EvidenceItem | EvidenceBundle,
    user_id: int | None,
    problem: str | None,
    now: datetime | None = None,
    **detail,
) -> None:
    """A re-hash of an item's or a bundle's stored bytes: a "verify" row with ok and problem;
    an item also remembers when it was last checked and whether it passed."""
    if isinstance(target, EvidenceItem):
        target.last_verified_at = now or utcnow()
        target.is_last_verify_ok = problem is None
        ids = {"evidence_id": target.id}
    else:
        ids = {"bundle_id": target.id}
    custody(
        session,
        target.case_id,
        "verify",
        user_id,
        **ids,
        ok=problem is None,
        problem=problem,
        **detail,
    )


def mismatch_message(expected: str, actual: str | None) -> str:
    if actual is None:
        return "存储中找不到该文件"
    return f"内容已被改动：SHA-256 应为 {expected}，实为 {actual}"


def record_failed_download(
    session: Session,
    kind: str,
    ident: int,
    user_id: int | None,
    expected: str,
    actual: str | None,
    *,
    aborted: bool,
) -> str:
    """A download stopped because the stored bytes were not the registered ones: a failed
    "verify" row (the caller commits it in its own unit of work, since the download's own
    transaction does not commit). ``aborted``: the response had begun and was cut off before
    its last bytes; else it was refused before any byte was sent. Returns the message."""
    target = session.get(EvidenceItem if kind == "evidence" else EvidenceBundle, ident)
    problem = mismatch_message(expected, actual)
    record_check(session, target, user_id, problem, during="download", aborted=aborted)
    session.flush()
    return problem
