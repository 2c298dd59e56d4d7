"""Allocation (分案): giving cases to collectors by rule or by hand, with a log.

Which cases wait for a collector ("unassigned"): ``Case.owner_id`` is never empty (whoever
opens or imports a case owns it), so a case waits when it is open (not closed) and

- its owner is deactivated (any stage: the work must go on), or
- its owner is not a collector (an admin or legal user who imported or opened it, or a
  viewer), it is still before court (诉前催收 or 函件催告) and it was never allocated (no
  row in the allocation log: a case an admin deliberately gave to a legal user stays there).

Every owner change locks the cases first (``lock_cases``, in id order: SELECT ... FOR UPDATE
on PostgreSQL, the database's write lock on SQLite), re-reads them, then locks the capacity
rows of the receiving collectors (again in id order) before counting their open cases, so
two runs (or a run and a hand allocation) never give one case twice nor fill a collector
past capacity. A case's open tasks assigned to its previous owner follow it to the new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from legalcase.domain import allocation as rules_domain
from legalcase.domain.aging import days_overdue, tier_for
from legalcase.domain.allocation import MAX_BULK, Collector, Method, Placement
from legalcase.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from legalcase.domain.roles import Role, require_writer
from legalcase.domain.stages import CLOSED, Stage
from legalcase.models import AllocationLog, AllocationRule, Case, CollectorCapacity, Task, User
from legalcase.models.audit import CURRENT_OPERATOR
from legalcase.models.base import utcnow
from legalcase.models.users import user_creditors

from .audit import set_actor
from .scope import UNSCOPED
from .uow import lock_cases

CLOSED_STAGES = tuple(s.value for s in CLOSED)
BEFORE_COURT = (Stage.PRE_LEGAL.value, Stage.DEMAND.value)


def require_allocator(user: User) -> None:
    """Rules, capacities and running them: admins and legal staff."""
    if Role(user.role) not in (Role.ADMIN, Role.LEGAL):
        raise PermissionDenied("只有管理员和法务可以管理分案规则")


# ---- what is waiting, and who can take it --------------------------------------------


def waiting_case_ids(session: Session, among: Iterable[int] | None = None) -> list[int]:
    """The cases waiting for a collector (see the module's docstring), oldest first."""
    owner = aliased(User)
    allocated = select(AllocationLog.id).where(AllocationLog.case_id == Case.id).exists()
    stmt = (
        select(Case.id)
        .join(owner, owner.id == Case.owner_id)
        .where(
            Case.stage.not_in(CLOSED_STAGES),
            or_(
                owner.is_active.is_(False),
                and_(
                    owner.role != Role.COLLECTOR.value,
                    Case.stage.in_(BEFORE_COURT),
                    ~allocated,
                ),
            ),
        )
        .order_by(Case.id)
    )
    if among is not None:
        stmt = stmt.where(Case.id.in_(list(among)))
    return list(session.scalars(stmt))


def open_case_counts(session: Session, user_ids: Iterable[int]) -> dict[int, int]:
    """Open cases per owner, over every creditor (capacity is not a matter of who asks)."""
    ids = sorted(set(user_ids))
    rows = session.execute(
        select(Case.owner_id, func.count(Case.id))
        .where(Case.owner_id.in_(ids), Case.stage.not_in(CLOSED_STAGES))
        .group_by(Case.owner_id)
        .execution_options(**UNSCOPED)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({uid: n for uid, n in rows})
    return counts


def _scopes(session: Session, user_ids: list[int]) -> dict[int, frozenset[int] | None]:
    """Each user's creditor scope, read from the table itself: ``may_see_creditor`` reads
    ``User.scoped_creditors``, which the acting user's own scope would filter."""
    found: dict[int, set[int]] = {}
    for uid, cid in session.execute(
        select(user_creditors.c.user_id, user_creditors.c.creditor_id).where(
            user_creditors.c.user_id.in_(user_ids)
        )
    ):
        found.setdefault(uid, set()).add(cid)
    return {uid: frozenset(found[uid]) if uid in found else None for uid in user_ids}


def _collectors(session: Session, user_ids: Iterable[int]) -> dict[int, Collector]:
    """The collectors ``user_ids`` with their capacity rows locked, then their loads."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    capacity = {
        c.user_id: c.max_open_cases
        for c in session.scalars(
            select(CollectorCapacity)
            .where(CollectorCapacity.user_id.in_(ids))
            .order_by(CollectorCapacity.user_id)
            .with_for_update()
        )
    }
    counts = open_case_counts(session, ids)
    scopes = _scopes(session, ids)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}
    return {
        uid: Collector(
            uid,
            counts[uid],
            capacity.get(uid),
            scopes[uid],
            users[uid].is_active and users[uid].role != Role.VIEWER.value,
        )
        for uid in ids
        if uid in users
    }


def case_facts(case: Case, today: date) -> rules_domain.CaseFacts:
    debtor = case.debtor
    address = " ".join(a for a in (debtor.registered_address, debtor.actual_address) if a)
    return rules_domain.CaseFacts(
        case.id,
        case.creditor_id,
        case.outstanding_amount,
        tier_for(days_overdue(case.oldest_unpaid_due_date, today)),
        address,
    )


def as_rule(rule: AllocationRule) -> rules_domain.Rule:
    return rules_domain.Rule(
        id=rule.id,
        name=rule.name,
        collector_ids=tuple(u.id for u in rule.members),
        creditor_id=rule.creditor_id,
        tiers=rules_domain.tier_codes(rule.tiers),
        min_amount=rule.min_amount,
        max_amount=rule.max_amount,
        regions=rules_domain.region_names(rule.regions),
    )


def active_rules(session: Session) -> list[AllocationRule]:
    return list(
        session.scalars(
            select(AllocationRule)
            .where(AllocationRule.is_active.is_(True))
            .options(selectinload(AllocationRule.members))
            .order_by(AllocationRule.priority, AllocationRule.id)
        )
    )


# ---- giving a case ---------------------------------------------------------------------


def _give(
    session: Session,
    case: Case,
    to_user: User,
    actor: User | None,
    method: str,
    rule: AllocationRule | None = None,
) -> AllocationLog:
    before = case.owner_id
    case.owner_id = to_user.id
    for task in session.scalars(
        select(Task).where(
            Task.case_id == case.id, Task.is_done.is_(False), Task.assignee_id == before
        )
    ):
        task.assignee_id = to_user.id
    entry = AllocationLog(
        case_id=case.id,
        from_user_id=before,
        to_user_id=to_user.id,
        by_user_id=actor.id if actor is not None else None,
        operator=None if actor is not None else CURRENT_OPERATOR.get(),
        method=method,
        rule_id=rule.id if rule is not None else None,
        rule_name=rule.name if rule is not None else None,
        at=utcnow(),
    )
    session.add(entry)
    return entry


@dataclass
class RunResult:
    given: list[AllocationLog] = field(default_factory=list)
    left: list[tuple[Case, str]] = field(default_factory=list)


def run_rules(session: Session, actor: User | None, today: date) -> RunResult:
    """Give every waiting case to a collector by the active rules (``actor`` None: the
    command line or a scheduled job)."""
    if actor is not None:
        require_allocator(actor)
        set_actor(session, actor.id)
    return _run(session, actor, today, None)


def allocate_new_cases(
    session: Session, actor: User | None, case_ids: Iterable[int], today: date
) -> RunResult:
    """The active rules applied to cases just opened (an import): those still waiting go to
    a collector, logged as given by rule with ``actor`` (who brought them in) as the one who
    did it. The rules are the admins'; the import only triggers them, so no allocator role is
    needed here."""
    ids = sorted(set(case_ids))
    if not ids:
        return RunResult()
    if actor is not None:
        set_actor(session, actor.id)
    return _run(session, actor, today, ids)


def _run(session: Session, actor: User | None, today: date, among: list[int] | None) -> RunResult:
    result = RunResult()
    ids = waiting_case_ids(session, among=among)
    if not ids:
        return result
    lock_cases(session, ids)
    ids = waiting_case_ids(session, among=ids)  # another run may have taken some meanwhile
    cases = list(
        session.scalars(
            select(Case)
            .where(Case.id.in_(ids))
            .options(selectinload(Case.debtor))
            .order_by(Case.id)
        )
    )
    rules = active_rules(session)
    by_id = {r.id: r for r in rules}
    members = {u.id: u for r in rules for u in r.members}
    collectors = _collectors(session, members)
    placements: list[Placement] = rules_domain.allocate(
        [as_rule(r) for r in rules], [case_facts(c, today) for c in cases], collectors
    )
    by_case = {c.id: c for c in cases}
    for p in placements:
        case = by_case[p.case_id]
        if p.collector_id is None:
            result.left.append((case, p.why_not))
            continue
        rule = by_id[p.rule.id]
        result.given.append(_give(session, case, members[p.collector_id], actor, Method.RULE, rule))
    session.flush()
    return result


def assign_cases(
    session: Session, actor: User, case_ids: Iterable[int], assignee_id: int
) -> list[AllocationLog]:
    """Give the cases to one user, all or none. A collector may only take cases for
    themselves, and only waiting ones (not a colleague's, nor one in legal's hands); admins and legal
    staff may give any case to anyone who may see its creditor, within their capacity."""
    role = Role(actor.role)
    require_writer(role)
    if role == Role.COLLECTOR and assignee_id != actor.id:
        raise PermissionDenied("催收专员只能把案件分配给自己")
    set_actor(session, actor.id)
    ids = sorted(set(case_ids))
    if not ids:
        raise ValidationFailed({"case_ids": "请选择要分配的案件"}, "请选择要分配的案件")
    if len(ids) > MAX_BULK:
        raise ValidationFailed({"case_ids": f"一次最多分配 {MAX_BULK} 件"})
    target = session.get(User, assignee_id)
    if target is None or not target.is_active or target.role == Role.VIEWER.value:
        raise ValidationFailed(
            {"assignee_id": "请选择在职且可办案的用户"}, "接收人不存在、已停用或为只读用户"
        )
    lock_cases(session, ids)
    cases = {
        c.id: c
        for c in session.scalars(
            select(Case).where(Case.id.in_(ids)).options(selectinload(Case.owner))
        )
    }
    missing = [i for i in ids if i not in cases]
    if missing:
        raise NotFound(f"案件 #{missing[0]} ")
    collector = _collectors(session, [target.id])[target.id]
    moving = [cases[i] for i in ids if cases[i].owner_id != target.id]
    waiting = set(waiting_case_ids(session, among=ids)) if role == Role.COLLECTOR else set()
    added = 0
    for case in moving:
        name = f"案件“{case.title}”（#{case.id}）"
        owner = case.owner
        if role == Role.COLLECTOR and case.id not in waiting:
            raise PermissionDenied(
                f"{name}由{owner.display_name}负责；催收专员只能领取待分配的案件，未分配任何案件"
            )
        if (
            collector.creditor_scope is not None
            and case.creditor_id not in collector.creditor_scope
        ):
            raise Conflict(
                "creditor_not_visible",
                f"{target.display_name}无权查看{name}的债权主体，未分配任何案件",
                {"assignee_id": "接收人无权查看该案件的债权主体"},
            )
        if case.stage not in CLOSED_STAGES:
            if not collector.can_take(case.creditor_id, added):
                raise Conflict(
                    "over_capacity",
                    f"{target.display_name}已达上限 {collector.capacity} 件在办案件，"
                    f"无法再接收{name}，未分配任何案件",
                    {"assignee_id": "接收人已满额"},
                )
            added += 1
    given = [_give(session, case, target, actor, Method.MANUAL) for case in moving]
    session.flush()
    return given


def list_log(
    session: Session,
    case_id: int | None = None,
    user_id: int | None = None,
    limit: int = 100,
) -> list[AllocationLog]:
    stmt = select(AllocationLog).order_by(AllocationLog.at.desc(), AllocationLog.id.desc())
    if case_id is not None:
        stmt = stmt.where(AllocationLog.case_id == case_id)
    if user_id is not None:
        stmt = stmt.where(
            or_(AllocationLog.to_user_id == user_id, AllocationLog.from_user_id == user_id)
        )
    return list(session.scalars(stmt.limit(limit)))
