"""Debtors, guarantors and the contacts that reach them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.identity import id_code_problem
from legalcase.models import Contact, Party, User

from .common import apply, begin_write


def _check_party(session: Session, data: dict, party_id: int | None = None) -> None:
    code = data.get("id_code")
    if code:
        problem = id_code_problem(data["kind"], code)
        if problem:
            raise ValidationFailed({"id_code": problem})
        clash = session.scalar(select(Party).where(Party.id_code == code))
        if clash is not None and clash.id != party_id:
            raise DomainError(
                "duplicate",
                f"证件号 {code} 已登记为“{clash.name}”",
                {"id_code": f"已登记为“{clash.name}”"},
            )


def create_party(session: Session, actor: User, data: dict) -> Party:
    begin_write(session, actor)
    _check_party(session, data)
    party = Party(**data)
    session.add(party)
    session.flush()
    return party


def update_party(session: Session, actor: User, party: Party, data: dict) -> Party:
    begin_write(session, actor)
    merged = {"kind": party.kind, **data}
    _check_party(session, merged, party.id)
    apply(party, data)
    session.flush()
    return party


def add_contact(session: Session, actor: User, party: Party, data: dict) -> Contact:
    begin_write(session, actor)
    if not any(data.get(k) for k in ("phone", "email", "address")):
        raise ValidationFailed({"phone": "电话、邮箱、地址至少填写一项"})
    contact = Contact(party_id=party.id, **data)
    session.add(contact)
    session.flush()
    return contact


def update_contact(session: Session, actor: User, contact: Contact, data: dict) -> Contact:
    begin_write(session, actor)
    merged = {k: getattr(contact, k) for k in ("phone", "email", "address")} | data
    if not any((merged["phone"], merged["email"], merged["address"])):
        raise ValidationFailed({"phone": "电话、邮箱、地址至少填写一项"})
    apply(contact, data)
    return contact
