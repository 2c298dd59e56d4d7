"""Opening cases, editing them, moving them along the ladder, and the portfolio."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from legalcase.domain.aging import TIER_BOUNDS, Tier
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.domain.stages import Stage, check_move
from legalcase.models import Case, Creditor, Party, StageChange, User
from legalcase.models.base import utcnow
from storage import Storage

from .allocation import assign_cases
from .balances import refresh_balances
from .common import apply, begin_case_write, begin_write
from .evidence import HELD_STAGES, hold_case_evidence
from .scope import UNSCOPED, may_see_creditor


def _check_refs(session: Session, actor: User, data: dict, creditor_id: int | None = None) -> None:
    errors = {}
    creditor_id = data.get("creditor_id", creditor_id)
    if "creditor_id" in data and session.get(Creditor, data["creditor_id"]) is None:
        errors["creditor_id"] = "债权主体不存在"
    if "debtor_id" in data and session.get(Party, data["debtor_id"]) is None:
        errors["debtor_id"] = "债务人不存在"
    if "owner_id" in data:
        owner = session.get(User, data["owner_id"])
        if owner is None or not owner.is_active:
            errors["owner_id"] = "负责人不存在"
        elif owner.role == Role.VIEWER:
            errors["owner_id"] = "只读用户不能负责案件"
        elif actor.role == Role.COLLECTOR and owner.id != actor.id:
            errors["owner_id"] = "催收专员只能把案件分配给自己"
        elif creditor_id is not None and not may_see_creditor(owner, creditor_id):
            errors["owner_id"] = "该负责人无权查看该债权主体的案件"
    if errors:
        raise ValidationFailed(errors)


def open_case(session: Session, actor: User, data: dict, reason: str = "立案") -> Case:
    """Open a case at the first stage; ``reason`` is recorded with that first stage."""
    return open_cases(session, actor, [data], reason)[0]


def open_cases(
    session: Session,
    actor: User,
    items: list[dict],
    reason: str = "立案",
    debtors_known_by_code: bool = False,
) -> list[Case]:
    """Open many cases at once (the ledger import): the checks of ``open_case``, two flushes.

    ``debtors_known_by_code``: the import found each debtor by its identity code, so a debtor
    that only another creditor's cases show (services.scope) is the right party to link."""
    begin_write(session, actor)
    items = [{"owner_id": actor.id, **data} for data in items]
    errors = {}
    for creditor_id, owner_id in {(d.get("creditor_id"), d["owner_id"]) for d in items}:
        refs = {"owner_id": owner_id} | ({"creditor_id": creditor_id} if creditor_id else {})
        try:
            _check_refs(session, actor, refs)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    debtors = sorted({d["debtor_id"] for d in items if "debtor_id" in d})
    found = set()
    for i in range(0, len(debtors), 500):
        stmt = select(Party.id).where(Party.id.in_(debtors[i : i + 500]))
        if debtors_known_by_code:
            stmt = stmt.execution_options(**UNSCOPED)
        found.update(session.scalars(stmt))
    if set(debtors) - found:
        errors["debtor_id"] = "债务人不存在"
    if errors:
        raise ValidationFailed(errors)
    cases = [Case(stage=Stage.PRE_LEGAL.value, **data) for data in items]
    session.add_all(cases)
    session.flush()
    now = utcnow()
    session.add_all(
        StageChange(
            case_id=case.id,
            from_stage=None,
            to_stage=Stage.PRE_LEGAL.value,
            user_id=actor.id,
            reason=reason,
            changed_at=now,
        )
        for case in cases
    )
    session.flush()
    return cases


def update_case(session: Session, actor: User, case: Case, data: dict) -> Case:
    begin_case_write(session, actor, case)
    if "stage" in data:
        raise DomainError(
            "stage_via_move", "阶段只能通过“变更阶段”修改", {"stage": "请使用变更阶段"}
        )
    if "currency" in data and data["currency"] != case.currency and case.receivables:
        raise ValidationFailed({"currency": "案件已有应收款，不能更改币种"})
    _check_refs(session, actor, data, case.creditor_id)
    data = dict(data)
    owner_id = data.pop("owner_id", None)
    allocation = case.allocation
    apply(case, data)
    if case.allocation != allocation:  # the case's figures follow its allocation setting
        refresh_balances(case)
    if owner_id is not None and owner_id != case.owner_id:
        _give_to(session, actor, case, owner_id)
    session.flush()
    return case


def _give_to(session: Session, actor: User, case: Case, owner_id: int) -> None:
    """A new owner goes through allocation (分案) like a bulk reassignment: the receiver's
    capacity and creditor scope are checked, the case's open tasks follow, the allocation log
    records it. Its refusals are shown beside the owner field."""
    try:
        assign_cases(session, actor, [case.id], owner_id)
    except DomainError as exc:
        if exc.status != 403:
            exc.fields = {"owner_id": exc.fields.get("assignee_id") or exc.message}
        raise


def move_stage(
    session: Session,
    actor: User,
    case: Case,
    target: str,
    reason: str,
    storage: Storage | None = None,
) -> StageChange:
    """Move along the ladder. With ``storage``, entering litigation places the legal hold
    on the case's evidence at once; requests pass none and queue the
    ``evidence.legal_hold`` job instead (``legalcase.jobs.evidence.submit_legal_hold``)."""
    begin_case_write(session, actor, case)
    try:
        target_stage = Stage(target)
    except ValueError:
        raise ValidationFailed({"stage": f"未知阶段：{target}"}) from None
    check_move(Stage(case.stage), target_stage, reason)
    change = StageChange(
        case_id=case.id,
        from_stage=case.stage,
        to_stage=target_stage.value,
        user_id=actor.id,
        reason=reason.strip(),
        changed_at=utcnow(),
    )
    case.stage = target_stage.value
    session.add(change)
    if storage is not None and target_stage in HELD_STAGES:
        hold_case_evidence(session, storage, case)
    session.flush()
    return change


@dataclass
class PortfolioFilter:
    stage: str | None = None
    tier: str | None = None
    owner_id: int | None = None
    creditor_id: int | None = None
    min_outstanding: Decimal | None = None
    max_outstanding: Decimal | None = None
    q: str | None = None
    deadline_within: int | None = None  # days from today
    sort: str = "overdue"


SORTS = {
    "overdue": (Case.oldest_unpaid_due_date.asc().nulls_last(), Case.id),
    "outstanding": (Case.outstanding_amount.desc(), Case.id),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
    "deadline": (Case.next_deadline_date.asc().nulls_last(), Case.id),
}


def _filtered(f: PortfolioFilter, today: date) -> Select:
    stmt = select(Case)
    if f.stage:
        stmt = stmt.where(Case.stage == f.stage)
    if f.owner_id:
        stmt = stmt.where(Case.owner_id == f.owner_id)
    if f.creditor_id:
        stmt = stmt.where(Case.creditor_id == f.creditor_id)
    if f.min_outstanding is not None:
        stmt = stmt.where(Case.outstanding_amount >= f.min_outstanding)
    if f.max_outstanding is not None:
        stmt = stmt.where(Case.outstanding_amount <= f.max_outstanding)
    if f.deadline_within is not None:
        stmt = stmt.where(Case.next_deadline_date <= today + timedelta(days=f.deadline_within))
    if f.tier:
        low, high = TIER_BOUNDS[Tier(f.tier)]
        due = Case.oldest_unpaid_due_date
        if f.tier == Tier.CURRENT:
            stmt = stmt.where(or_(due.is_(None), due >= today))
        else:
            stmt = stmt.where(due <= today - timedelta(days=low))
            if high is not None:
                stmt = stmt.where(due >= today - timedelta(days=high))
    if f.q:
        # each LIKE on its own table, so that PostgreSQL's trigram indexes answer each part
        # (an OR across a join reads every case); the union of the matching case ids
        from .search import _contains

        term = f.q.strip()
        by_case = select(Case.id).where(
            or_(_contains(Case.case_number, term), _contains(Case.title, term))
        )
        by_debtor = select(Case.id).where(
            Case.debtor_id.in_(select(Party.id).where(_contains(Party.name, term)))
        )
        stmt = stmt.where(Case.id.in_(by_case.union(by_debtor)))
    return stmt


def list_cases(
    session: Session, f: PortfolioFilter, today: date, page: int = 1, per_page: int = 50
) -> tuple[list[Case], int]:
    base = _filtered(f, today)
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery()))
    order = SORTS.get(f.sort, SORTS["overdue"])
    stmt = (
        base.options(joinedload(Case.debtor), joinedload(Case.owner))
        .order_by(*order)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return list(session.scalars(stmt)), total or 0
