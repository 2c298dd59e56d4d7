"""Creditor scoping: a user limited to some creditor entities reaches only their cases.

A user with rows in ``user_creditors`` (a group's subsidiary, say) sees and reaches only the
cases of those creditors, and what hangs off them: receivables, payments, ledger, promises,
evidence, documents, deadlines, court events, tasks, the audit of those cases, the debtors
and guarantors of those cases (a party on no case at all stays visible: it belongs to no
creditor yet) and their contacts. A user without rows sees everything (the default).

The rule is applied once, to every ORM query of a session whose ``info`` carries the scope
(``apply_scope``), with SQLAlchemy's ``with_loader_criteria``: lists, searches, exports,
counts, ``session.get`` and relationship loads all pass through it, so a screen, an export or
an API call written later cannot forget it. A case outside the scope is simply not found
(404), which does not tell the user that it exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, event, exists, false, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.roles import require_admin
from legalcase.models import (
    AuditEntry,
    Case,
    Contact,
    Creditor,
    Instalment,
    Party,
    Payment,
    PaymentAllocation,
    Receivable,
    Task,
    TaskComment,
    User,
)
from legalcase.models.base import Base, utcnow
from legalcase.models.cases import ContractGuarantee
from legalcase.models.jobs import Job

from .audit import set_actor

SCOPE_KEY = "creditor_scope"
# ``stmt.execution_options(**UNSCOPED)``: a lookup that must see every row whatever the
# user's scope, to keep the data whole (a party's identity code is unique across the group,
# so an import or a new party links to the existing one instead of failing). Never used to
# show anything.
UNSCOPED = {"legalcase_unscoped": True}

_cases = Case.__table__
_guarantees = ContractGuarantee.__table__
_receivables = Receivable.__table__
_payments = Payment.__table__
_tasks = Task.__table__


def _visible_cases(ids: tuple[int, ...]) -> Select:
    # Never correlated: the outer query may itself select from cases.
    return select(_cases.c.id).where(_cases.c.creditor_id.in_(ids)).correlate(None)


def _party_visible(party_id: ColumnElement, ids: tuple[int, ...]) -> ColumnElement[bool]:
    """On a visible case (debtor or guarantor), or on no case at all."""
    as_debtor = select(_cases.c.id).where(_cases.c.debtor_id == party_id)
    # a guarantor of any contract of the case (one removed since keeps the case's creditor)
    as_guarantor = (
        select(_guarantees.c.id)
        .join(_cases, _cases.c.id == _guarantees.c.case_id)
        .where(_guarantees.c.party_id == party_id)
    )
    as_debtor = as_debtor.correlate_except(_cases)
    as_guarantor = as_guarantor.correlate_except(_cases, _guarantees)
    return or_(
        as_debtor.where(_cases.c.creditor_id.in_(ids)).exists(),
        as_guarantor.where(_cases.c.creditor_id.in_(ids)).exists(),
        ~or_(as_debtor.exists(), as_guarantor.exists()),
    )


def _criteria(scope: frozenset[int]) -> list:
    """The rules, as lambdas: SQLAlchemy applies them to aliases too (a joined guarantor)
    and caches the SQL once, with the scope's ids as a bound parameter."""
    ids = tuple(sorted(scope))
    options = [
        with_loader_criteria(Case, lambda cls: cls.creditor_id.in_(ids), include_aliases=True),
        with_loader_criteria(Creditor, lambda cls: cls.id.in_(ids), include_aliases=True),
        with_loader_criteria(Party, lambda cls: _party_visible(cls.id, ids), include_aliases=True),
        with_loader_criteria(
            Contact, lambda cls: _party_visible(cls.party_id, ids), include_aliases=True
        ),
        with_loader_criteria(
            Instalment,
            lambda cls: cls.receivable_id.in_(
                select(_receivables.c.id)
                .where(_receivables.c.case_id.in_(_visible_cases(ids)))
                .correlate(None)
            ),
            include_aliases=True,
        ),
        with_loader_criteria(
            PaymentAllocation,
            lambda cls: cls.payment_id.in_(
                select(_payments.c.id)
                .where(_payments.c.case_id.in_(_visible_cases(ids)))
                .correlate(None)
            ),
            include_aliases=True,
        ),
        with_loader_criteria(
            TaskComment,
            lambda cls: cls.task_id.in_(
                select(_tasks.c.id).where(_tasks.c.case_id.in_(_visible_cases(ids))).correlate(None)
            ),
            include_aliases=True,
        ),
        with_loader_criteria(
            AuditEntry,
            lambda cls: or_(cls.case_id.is_(None), cls.case_id.in_(_visible_cases(ids))),
            include_aliases=True,
        ),
        # a job about no case (a batch) is reached by its creator (services/jobs.py)
        with_loader_criteria(
            Job,
            lambda cls: or_(cls.case_id.is_(None), cls.case_id.in_(_visible_cases(ids))),
            include_aliases=True,
        ),
    ]
    for child in _case_children():
        options.append(
            with_loader_criteria(
                child, lambda cls: cls.case_id.in_(_visible_cases(ids)), include_aliases=True
            )
        )
    return options


def _case_children() -> list[type]:
    """Every mapped class with a ``case_id`` column (audit entries and jobs have their own
    rule)."""
    out = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if cls in (Case, AuditEntry, Job) or "case_id" not in mapper.columns:
            continue
        out.append(cls)
    return out


def _filter(state: ORMExecuteState) -> None:
    scope = state.session.info.get(SCOPE_KEY)
    if scope is None or state.is_column_load:
        return
    if state.execution_options.get("legalcase_unscoped"):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if not scope:  # limited to creditors that no longer exist: nothing at all
        state.statement = state.statement.options(
            with_loader_criteria(Case, false(), include_aliases=True)
        )
        return
    state.statement = state.statement.options(*_criteria(scope))


def install_scope_filter(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "do_orm_execute", _filter)


def apply_scope(session: Session, user: User | None) -> None:
    """From now on this session sees only what ``user`` may see."""
    scope = user.creditor_scope if user is not None else None
    if scope is None:
        session.info.pop(SCOPE_KEY, None)
    else:
        session.info[SCOPE_KEY] = scope


def may_see_creditor(user: User, creditor_id: int) -> bool:
    scope = user.creditor_scope
    return scope is None or creditor_id in scope


def scope_label(user: User) -> str:
    if user.creditor_scope is None:
        return "全部债权主体"
    return "、".join(c.name for c in user.scoped_creditors)


def set_creditor_scope(
    session: Session, user: User, creditor_ids: Iterable[int], actor: User | None = None
) -> User:
    """Limit ``user`` to these creditors (none: all of them); audited.

    ``actor`` is the admin doing it on a screen or the API; the command line passes none
    (its operator is recorded instead)."""
    if actor is not None:
        require_admin(actor.role_enum)
        set_actor(session, actor.id)
    wanted = sorted(set(creditor_ids))
    found = {c.id: c for c in session.scalars(select(Creditor).where(Creditor.id.in_(wanted)))}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationFailed(
            {"creditor_ids": "债权主体不存在：" + "、".join(str(i) for i in missing)}
        )
    before = scope_label(user)
    user.scoped_creditors = [found[i] for i in wanted]
    session.add(
        AuditEntry(
            at=utcnow(),
            user_id=actor.id if actor is not None else None,
            entity="users",
            entity_id=user.id,
            action="update",
            before={"creditor_scope": before},
            after={"creditor_scope": scope_label(user)},
        )
    )
    session.flush()
    return user


def creditor_ids_named(session: Session, refs: Iterable[str]) -> list[int]:
    """Creditor ids from ids or exact names (the command line's --creditor)."""
    ids, unknown = [], []
    for ref in refs:
        ref = ref.strip()
        creditor = (
            session.get(Creditor, int(ref))
            if ref.isdigit()
            else session.scalar(select(Creditor).where(Creditor.name == ref))
        )
        if creditor is None:
            unknown.append(ref)
        else:
            ids.append(creditor.id)
    if unknown:
        raise ValidationFailed({"creditor": "债权主体不存在：" + "、".join(unknown)})
    return ids


def case_visible_to(session: Session, user: User, case_id: int) -> bool:
    """For work done outside the user's own session (alert digests)."""
    scope = user.creditor_scope
    if scope is None:
        return True
    return bool(
        session.scalar(
            select(exists().where(_cases.c.id == case_id, _cases.c.creditor_id.in_(scope)))
        )
    )


__all__ = [
    "UNSCOPED",
    "apply_scope",
    "case_visible_to",
    "creditor_ids_named",
    "install_scope_filter",
    "may_see_creditor",
    "scope_label",
    "set_creditor_scope",
]
