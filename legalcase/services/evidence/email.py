"""An e-mail kept as evidence that went to a known address of the debtor or a guarantor
becomes a demand in the collection ledger, proven by the e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.inspect import recipients
from legalcase.domain.errors import DomainError
from legalcase.domain.values import Addressee, Channel, LegalEffect, Outcome
from legalcase.models import Case, Contact, EvidenceItem, LedgerEntry, User
from legalcase.models.cases import ContractGuarantee

from ..common import begin_case_write
from .custody import custody


def email_recipients(item: EvidenceItem) -> set[str]:
    return recipients(item.email_meta or {})


def demand_addressee(session: Session, case: Case, item: EvidenceItem) -> str | None:
    """ "debtor" or "guarantor" when the e-mail went to a known address of theirs, else None."""
    found = _addressed_contact(session, case, item)
    return found[0] if found else None


def _addressed_contact(session: Session, case: Case, item: EvidenceItem) -> tuple[str, int] | None:
    """(addressee, contact id) of the first known address of the debtor or a guarantor the
    e-mail went to: the contact names which guarantor a demand reached (its own period)."""
    to = email_recipients(item)
    if not to:
        return None
    guarantors = set(
        session.scalars(
            select(ContractGuarantee.party_id).where(
                ContractGuarantee.case_id == case.id, ContractGuarantee.ended_at.is_(None)
            )
        )
    )
    rows = session.execute(
        select(Contact.id, Contact.party_id, Contact.email)
        .where(Contact.party_id.in_({case.debtor_id, *guarantors}))
        .order_by(Contact.id)
    )
    for contact_id, party_id, address in rows:
        if address and address.lower() in to:
            who = Addressee.DEBTOR if party_id == case.debtor_id else Addressee.GUARANTOR
            return who, contact_id
    return None


def record_email_as_demand(session: Session, actor: User, item: EvidenceItem) -> LedgerEntry:
    """An e-mail sent to a known debtor or guarantor address becomes a demand in the ledger,
    arriving on the day it was sent (it reached the recipient's mailbox), proven by the e-mail."""
    from legalcase.services.clock import SHANGHAI
    from legalcase.services.deadlines import refresh_case

    case = session.get(Case, item.case_id)
    begin_case_write(session, actor, case)
    found = _addressed_contact(session, case, item)
    if item.content_type != "message/rfc822" or found is None:
        raise DomainError("not_a_demand", "只有发送到债务人或保证人已登记邮箱的邮件才能记为催告")
    sent = (item.email_meta or {}).get("date")
    if not sent:
        raise DomainError("no_date", "邮件没有发送日期，无法确定送达日")
    at = datetime.fromisoformat(sent)
    entry = LedgerEntry(
        case_id=case.id,
        user_id=actor.id,
        contacted_at=at,
        channel=Channel.EMAIL,
        summary=f"邮件催告：{(item.email_meta or {}).get('subject', '')}",
        outcome=Outcome.REACHED,
        legal_effect=LegalEffect.DEMAND,
        addressee=found[0],
        contact_id=found[1],
        arrival_date=at.astimezone(SHANGHAI).date(),
    )
    session.add(entry)
    session.flush()
    item.ledger_entries.append(entry)
    custody(session, case.id, "link", actor.id, item.id, ledger_entry_id=entry.id)
    refresh_case(session, case)
    session.flush()
    return entry
