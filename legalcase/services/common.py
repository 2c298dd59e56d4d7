"""Helpers shared by the services: loading rows, checking who may change what."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from legalcase.domain.errors import NotFound
from legalcase.domain.roles import Role, require_case_change, require_writer
from legalcase.models import Case, User

from .audit import set_actor
from .uow import lock_case

T = TypeVar("T")


def get_or_404(session: Session, model: type[T], ident: int, what: str) -> T:
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(what)
    return obj


def begin_write(session: Session, actor: User) -> None:
    """Check the actor may write at all and attribute what follows to them."""
    require_writer(Role(actor.role))
    set_actor(session, actor.id)


def begin_case_write(session: Session, actor: User, case: Case) -> None:
    """Lock the case (other writers of it wait), then check the actor may change it."""
    lock_case(session, case.id)
    require_case_change(Role(actor.role), actor.id, case.owner_id)
    set_actor(session, actor.id)


def apply(obj: object, data: dict) -> None:
    for key, value in data.items():
        setattr(obj, key, value)
