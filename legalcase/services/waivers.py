"""Waivers (减免) of penalty interest, late fees or costs, within limits per role.

A waiver within its proposer's limit (``domain.waivers``; the limits are settings stored in
``waiver_limits``) takes effect at once, approved by its proposer; above it, it waits for
another user whose limit covers it. Approved, it lowers the claim (``owed.case_owing``, a
line saying so), which every screen, export, document and the API read. Proposing and
deciding lock the case (``begin_case_write``) and count the waivers already approved after
the lock, so two approvals at once cannot together waive more than is owed or allowed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalcase.domain.errors import Conflict, DomainError, ValidationFailed
from legalcase.domain.money import ZERO
from legalcase.domain.roles import Role, require_admin
from legalcase.domain.values import WaiverKind, WaiverStatus
from legalcase.domain.waivers import (
    DEFAULT_LIMITS,
    INTEREST_KINDS,
    check_amount,
    check_approver,
    refuse_principal,
    share_label,
    within_limit,
)
from legalcase.models import AuditEntry, Case, Task, User
from legalcase.models.base import utcnow
from legalcase.models.waivers import Waiver, WaiverLimit

from .audit import set_actor
from .clock import today as clock_today
from .common import begin_case_write, get_or_404
from .judgments import money_judgment
from .owed import case_owing


def waiver_limits(session: Session) -> dict[str, Decimal | None]:
    """Role -> the share of what is owed it may waive alone (None: any amount)."""
    limits = dict(DEFAULT_LIMITS)
    for row in session.scalars(select(WaiverLimit)):
        limits[row.role] = row.max_share
    return limits


def set_waiver_limits(
    session: Session, actor: User, limits: dict[str, Decimal | None]
) -> dict[str, Decimal | None]:
    """Store the limits (admin only), audited; a share is between 0 and 1, None is any."""
    require_admin(Role(actor.role))
    set_actor(session, actor.id)
    errors = {}
    for role, share in limits.items():
        if role not in DEFAULT_LIMITS:
            errors[role] = "未知角色"
        elif share is not None and not (ZERO <= share <= 1):
            errors[role] = "比例应在 0 到 100% 之间"
    if errors:
        raise ValidationFailed(errors)
    before = {r: share_label(s) for r, s in waiver_limits(session).items()}
    for role, share in limits.items():
        row = session.get(WaiverLimit, role)
        if row is None:
            session.add(WaiverLimit(role=role, max_share=share))
        else:
            row.max_share = share
    session.flush()
    after = {r: share_label(s) for r, s in waiver_limits(session).items()}
    session.add(
        AuditEntry(
            at=utcnow(),
            user_id=actor.id,
            entity="waiver_limits",
            entity_id=0,
            action="update",
            before=before,
            after=after,
        )
    )
    session.flush()
    return waiver_limits(session)


def owed_of_kind(session: Session, case: Case, kind: str, today: date) -> Decimal:
    """What the case owes of ``kind`` as of ``today``, before any waiver: the limit's base."""
    if money_judgment(session, case.id) is not None:
        raise DomainError(
            "judgment_claim",
            "案件已有生效法律文书确定的金额，减免请通过执行和解处理",
            {"kind": "判决后不适用"},
        )
    result = case_owing(session, case, today, with_waivers=False).result
    if result is None:
        return ZERO
    return result.costs_outstanding if kind == WaiverKind.COSTS else result.interest_outstanding


def _already(session: Session, case_id: int, kind: str, exclude: int | None = None) -> Decimal:
    """What approved waivers of the same pool (interest, or costs) already take off."""
    kinds = [k.value for k in INTEREST_KINDS] if kind in INTEREST_KINDS else [kind]
    stmt = select(func.sum(Waiver.amount)).where(
        Waiver.case_id == case_id,
        Waiver.kind.in_(kinds),
        Waiver.status == WaiverStatus.APPROVED.value,
    )
    if exclude is not None:
        stmt = stmt.where(Waiver.id != exclude)
    return session.scalar(stmt) or ZERO


def propose_waiver(
    session: Session, actor: User, case: Case, data: dict, today: date | None = None
) -> Waiver:
    """``data``: kind, amount, reason. Principal is refused; within the proposer's limit the
    waiver is approved at once, above it it waits for approval."""
    refuse_principal(data.get("kind", ""))
    begin_case_write(session, actor, case)
    today = today or clock_today()
    kind, amount = data["kind"], data["amount"]
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "请填写减免理由"})
    owed = owed_of_kind(session, case, kind, today)
    already = _already(session, case.id, kind)
    check_amount(kind, amount, owed, already)
    fits = within_limit(waiver_limits(session).get(actor.role, ZERO), amount, owed, already)
    now = utcnow()
    waiver = Waiver(
        case_id=case.id,
        kind=kind,
        amount=amount,
        base_amount=owed,
        reason=reason,
        status=(WaiverStatus.APPROVED if fits else WaiverStatus.PENDING).value,
        proposed_by_id=actor.id,
        proposed_at=now,
    )
    if fits:
        waiver.decided_by_id, waiver.decided_at = actor.id, now
        waiver.decision_note = "在提出人的减免权限内，自动生效"
    session.add(waiver)
    session.flush()
    if not fits:
        _approval_task(session, actor, case, waiver, owed, already, today)
    return waiver


def _approval_task(
    session: Session,
    actor: User,
    case: Case,
    waiver: Waiver,
    owed: Decimal,
    already: Decimal,
    today: date,
) -> None:
    """A task for a user who may approve the waiver (legal before admin; not its proposer)."""
    limits = waiver_limits(session)
    users = session.scalars(
        select(User)
        .where(User.is_active.is_(True), User.id != actor.id, User.role.in_(["legal", "admin"]))
        .order_by(User.role.desc(), User.id)  # legal, then admin
    )
    approver = next(
        (u for u in users if within_limit(limits.get(u.role), waiver.amount, owed, already)),
        None,
    )
    if approver is None:
        return
    session.add(
        Task(
            case_id=case.id,
            assignee_id=approver.id,
            reason_key=f"waiver:{waiver.id}",
            title=f"审批减免申请第{waiver.id}号：{WaiverKind(waiver.kind).label} {waiver.amount:,.2f}",
            reason=f"{actor.display_name}申请减免，超出其权限，需审批。理由：{waiver.reason}"[
                :1000
            ],
            due_date=today + timedelta(days=2),
            created_at=utcnow(),
        )
    )


def _close_task(session: Session, actor: User, waiver: Waiver) -> None:
    task = session.scalar(
        select(Task).where(
            Task.case_id == waiver.case_id,
            Task.reason_key == f"waiver:{waiver.id}",
            Task.is_done.is_(False),
        )
    )
    if task is not None:
        label = WaiverStatus(waiver.status).label
        task.is_done, task.done_at, task.done_by_id = True, utcnow(), actor.id
        task.done_note = f"{label}：{waiver.decision_note}"


def decide_waiver(
    session: Session,
    actor: User,
    waiver_id: int,
    approve: bool,
    note: str | None,
    today: date | None = None,
) -> Waiver:
    """Approve or reject a pending waiver: by another user whose limit covers it; the case is
    locked and what is already waived read after the lock."""
    waiver = get_or_404(session, Waiver, waiver_id, "减免申请")
    case = get_or_404(session, Case, waiver.case_id, "案件")
    begin_case_write(session, actor, case)
    session.refresh(waiver)
    if waiver.status != WaiverStatus.PENDING:
        raise Conflict(
            "already_decided", f"该减免申请已处理（{WaiverStatus(waiver.status).label}）"
        )
    note = (note or "").strip()
    if not note:
        raise ValidationFailed({"note": "请填写审批意见"})
    today = today or clock_today()
    if approve:
        owed = owed_of_kind(session, case, waiver.kind, today)
        already = _already(session, case.id, waiver.kind)
        share = waiver_limits(session).get(actor.role, ZERO)
        check_approver(
            actor.id,
            share,
            waiver.proposed_by_id,
            within_limit(share, waiver.amount, owed, already),
        )
        check_amount(waiver.kind, waiver.amount, owed, already)
    waiver.status = (WaiverStatus.APPROVED if approve else WaiverStatus.REJECTED).value
    waiver.decided_by_id = actor.id
    waiver.decided_at = utcnow()
    waiver.decision_note = note
    _close_task(session, actor, waiver)
    session.flush()
    return waiver


def case_waivers(session: Session, case_id: int) -> list[Waiver]:
    return list(
        session.scalars(select(Waiver).where(Waiver.case_id == case_id).order_by(Waiver.id.desc()))
    )
