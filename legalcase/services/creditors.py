"""Our creditor entities (the group's companies): identity, contact, payee account and the
code of their own letter series. Only an administrator (or the operator at the console)
creates or changes one."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.identity import uscc_problem
from legalcase.domain.roles import Role, require_admin
from legalcase.models import Creditor, User

from .audit import set_actor
from .common import apply


def _begin(session: Session, actor: User | None) -> None:
    """``actor`` None: the operator at the console (the CLI)."""
    if actor is not None:
        require_admin(Role(actor.role))
        set_actor(session, actor.id)


def _check(session: Session, data: dict, creditor_id: int | None = None) -> None:
    if data.get("uscc"):
        problem = uscc_problem(data["uscc"])
        if problem:
            raise ValidationFailed({"uscc": problem})
    for field, label in (("name", "名称"), ("letter_code", "函件代字")):
        value = data.get(field)
        if not value:
            continue
        clash = session.scalar(
            select(Creditor.id).where(
                func.lower(getattr(Creditor, field)) == value.lower(),
                Creditor.id != (creditor_id or 0),
            )
        )
        if clash is not None:
            # two creditors with one code would print the same numbers on different letters
            raise DomainError(
                "duplicate",
                f"{label}“{value}”已被其他债权主体使用",
                {field: "已被其他债权主体使用"},
            )
    code = data.get("letter_code")
    if code and any(c in code for c in "〔〕[]()（）第号 "):
        raise ValidationFailed(
            {"letter_code": "函件代字只写代字本身，如 华东建机催（年份和序号自动生成）"}
        )


def list_creditors(session: Session) -> list[Creditor]:
    return list(session.scalars(select(Creditor).order_by(Creditor.name)))


def create_creditor(session: Session, actor: User | None, data: dict) -> Creditor:
    _begin(session, actor)
    _check(session, data)
    creditor = Creditor(**data)
    session.add(creditor)
    session.flush()
    return creditor


def update_creditor(
    session: Session, actor: User | None, creditor: Creditor, data: dict
) -> Creditor:
    _begin(session, actor)
    _check(session, data, creditor.id)
    apply(creditor, data)
    session.flush()
    return creditor
