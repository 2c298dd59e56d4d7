"""Debtors, guarantors and the contacts that reach them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.identity import id_code_problem
from legalcase.domain.values import IdType, PartyKind
from legalcase.models import Contact, Party, User

from .common import apply, begin_write
from .scope import UNSCOPED


def _id_problem(data: dict, code: str) -> str | None:
    """A company's USCC and a resident ID number are checked; other ID types (passport,
    permits) are taken as written."""
    id_type = data.get("id_type")
    if data["kind"] == PartyKind.PERSON and id_type and id_type != IdType.RESIDENT_ID:
        return None
    return id_code_problem(data["kind"], code)


def _check_party(
    session: Session, data: dict, party_id: int | None = None, taken: dict | None = None
) -> None:
    """``taken`` (code -> name of the party holding it) spares a query per party in a batch."""
    code = data.get("id_code")
    if code:
        problem = _id_problem(data, code)
        if problem:
            raise ValidationFailed({"id_code": problem})
        if taken is not None:
            holder = taken.get(code)
        else:
            # Across every creditor (the code is unique in the database), then named only
            # if this user may see that party (services.scope).
            clash = session.execute(
                select(Party.id, Party.name)
                .where(Party.id_code == code)
                .execution_options(**UNSCOPED)
            ).first()
            holder = None
            if clash is not None and clash.id != party_id:
                seen = session.scalar(select(Party.id).where(Party.id == clash.id))
                holder = clash.name if seen is not None else "其他债权主体的当事人"
        if holder is not None:
            raise DomainError(
                "duplicate",
                f"证件号 {code} 已登记为“{holder}”",
                {"id_code": f"已登记为“{holder}”"},
            )


def create_party(session: Session, actor: User, data: dict) -> Party:
    begin_write(session, actor)
    _check_party(session, data)
    party = Party(**data)
    session.add(party)
    session.flush()
    return party


def create_parties(session: Session, actor: User, items: list[dict]) -> list[Party]:
    """Many parties at once (the ledger import): the checks of ``create_party``, one flush."""
    begin_write(session, actor)
    codes = [d["id_code"] for d in items if d.get("id_code")]
    taken: dict[str, str] = {}
    for i in range(0, len(codes), 500):
        stmt = (
            select(Party.id_code, Party.name)
            .where(Party.id_code.in_(codes[i : i + 500]))
            .execution_options(**UNSCOPED)
        )
        taken.update(session.execute(stmt).all())
    for data in items:
        _check_party(session, data, taken=taken)
        if data.get("id_code"):
            taken[data["id_code"]] = data["name"]
    parties = [Party(**data) for data in items]
    session.add_all(parties)
    session.flush()
    return parties


def update_party(session: Session, actor: User, party: Party, data: dict) -> Party:
    begin_write(session, actor)
    merged = {"kind": party.kind, "id_type": party.id_type, **data}
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
