"""The collection ledger (催收台账): contacts and promises to pay."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.models import (
    Case,
    Contact,
    LedgerEntry,
    LedgerEntryReceivable,
    Promise,
    Receivable,
    Task,
    User,
)
from legalcase.models.base import utcnow
from legalcase.models.cases import ContractGuarantee

from .clock import SHANGHAI
from .common import begin_case_write
from .deadlines import refresh_case
from .promises import refresh_promises

WRITTEN = {"letter", "email", "sms"}
PROMISED = "promised"


def contact_problems(session: Session, case: Case, data: dict, now: datetime) -> dict[str, str]:
    errors = {}
    if "contacted_at" in data and data["contacted_at"] > now:
        errors["contacted_at"] = "联系时间不能晚于现在"
    arrival = data.get("arrival_date")
    if arrival is not None:
        if data.get("legal_effect", "demand") != "demand":
            errors["arrival_date"] = "只有催告才需要填写送达日期"
        elif arrival > now.astimezone(SHANGHAI).date():
            errors["arrival_date"] = "送达日期不能晚于今天"
        elif "contacted_at" in data and arrival < data["contacted_at"].astimezone(SHANGHAI).date():
            errors["arrival_date"] = "送达日期不能早于发出日期"
    if data.get("addressee") == "guarantor" and data.get("legal_effect") != "demand":
        errors["addressee"] = "向保证人主张权利时，法律效果应选“催告”"
    contact_id = data.get("contact_id")
    if contact_id:
        contact = session.get(Contact, contact_id)
        guarantors = set(
            session.scalars(
                select(ContractGuarantee.party_id).where(
                    ContractGuarantee.case_id == case.id, ContractGuarantee.ended_at.is_(None)
                )
            )
        )
        # a demand on a guarantor names the guarantor through its contact (its own period)
        to_guarantor = data.get("addressee") == "guarantor"
        if contact is None or contact.party_id not in {case.debtor_id, *guarantors}:
            errors["contact_id"] = "联系人不属于本案债务人或保证人"
        elif to_guarantor and contact.party_id not in guarantors:
            errors["contact_id"] = "向保证人催告时，请选择该保证人的联系人"
        elif not to_guarantor and contact.party_id != case.debtor_id:
            errors["contact_id"] = "联系人是保证人的，送达对象应选“保证人”"
    return errors


def _named(session: Session, case: Case, ids: list[int] | None) -> list[LedgerEntryReceivable]:
    """The receivables a demand or statement names, checked to be the case's (none: all)."""
    wanted = sorted(set(ids or ()))
    if not wanted:
        return []
    mine = set(
        session.scalars(
            select(Receivable.id).where(Receivable.case_id == case.id, Receivable.id.in_(wanted))
        )
    )
    if mine != set(wanted):
        raise ValidationFailed({"receivable_ids": "所选应收款不属于本案"})
    return [LedgerEntryReceivable(receivable_id=rid) for rid in wanted]


def record_contact(
    session: Session,
    actor: User,
    case: Case,
    data: dict,
    now: datetime | None = None,
) -> LedgerEntry:
    """Log one contact; with ``promise_amount`` and ``promise_due_date`` also a promise to pay."""
    begin_case_write(session, actor, case)
    now = now or utcnow()
    data = dict(data)
    promise_amount = data.pop("promise_amount", None)
    promise_due = data.pop("promise_due_date", None)
    named = _named(session, case, data.pop("receivable_ids", None))
    errors = {}
    if data.get("outcome") == PROMISED:  # a promise is an amount AND a date
        if promise_amount is None:
            errors["promise_amount"] = "结果为“承诺还款”时须填写承诺还款金额"
        if promise_due is None:
            errors["promise_due_date"] = "结果为“承诺还款”时须填写承诺还款日期"
    elif (promise_amount is None) != (promise_due is None):
        missing = "promise_due_date" if promise_due is None else "promise_amount"
        errors[missing] = "承诺还款须同时填写金额和日期"
    errors.update(contact_problems(session, case, data, now))
    made = data["contacted_at"].astimezone(SHANGHAI).date()
    follow_up = data.get("next_follow_up")
    if follow_up is not None and follow_up < made:
        errors["next_follow_up"] = "下次跟进日期不能早于联系日期"
    if promise_amount is not None and promise_due is not None:
        if promise_due < made:
            errors["promise_due_date"] = "承诺还款日不能早于联系日期"
        if promise_amount > case.outstanding_amount:
            errors["promise_amount"] = "承诺金额超过尚欠金额"
    if errors:
        raise ValidationFailed(errors)
    entry = LedgerEntry(case_id=case.id, user_id=actor.id, named=named, **data)
    session.add(entry)
    if promise_amount is not None:
        entry.promises.append(
            Promise(case_id=case.id, amount=promise_amount, due_date=promise_due, made_date=made)
        )
        session.flush()
        # payments already recorded since the promise was made may have kept it
        refresh_promises(session, case, now.astimezone(SHANGHAI).date())
    session.flush()
    follow_up_task(session, actor, case, entry)
    refresh_case(session, case)
    session.flush()
    return entry


def follow_up_task(session: Session, actor: User, case: Case, entry: LedgerEntry) -> Task | None:
    """The entry's "跟进" task for the case owner (the recorder when the case has none), due
    on its next follow-up date: one per entry (its reason key); a later change of the date
    moves the open task, a completed one stays completed."""
    day: date | None = entry.next_follow_up
    key = f"followup:{entry.id}"
    task = session.scalar(select(Task).where(Task.case_id == case.id, Task.reason_key == key))
    if day is None:
        return task
    if task is None:
        who = entry.person_reached or (entry.contact.name if entry.contact else case.debtor.name)
        task = Task(
            case_id=case.id,
            assignee_id=case.owner_id or actor.id,
            reason_key=key,
            title=f"跟进：{who}"[:200],
            reason=f"{entry.contacted_at.astimezone(SHANGHAI):%Y-%m-%d} 催收记录约定下次跟进："
            + entry.summary[:200],
            due_date=day,
            created_at=utcnow(),
        )
        session.add(task)
    elif not task.is_done and task.due_date != day:
        task.due_date = day
    return task


def update_contact_record(
    session: Session, actor: User, entry: LedgerEntry, data: dict
) -> LedgerEntry:
    """Correct a ledger entry (what was said, the outcome); its promises stay as made."""
    case = session.get(Case, entry.case_id)
    begin_case_write(session, actor, case)
    data = {k: v for k, v in data.items() if k not in ("promise_amount", "promise_due_date")}
    if "receivable_ids" in data:  # absent from a partial update: unchanged
        named = _named(session, case, data.pop("receivable_ids"))
        if [n.receivable_id for n in named] != entry.receivable_ids:
            kept = {n.receivable_id: n for n in entry.named}  # no delete-and-insert of a pair
            wanted = {n.receivable_id for n in named}
            for rid, n in kept.items():
                if rid not in wanted:
                    session.delete(n)  # deleted explicitly, so the audit log records it
            entry.named = [kept.get(n.receivable_id, n) for n in named]
    current = {
        k: getattr(entry, k) for k in ("legal_effect", "addressee", "contacted_at", "arrival_date")
    }
    errors = contact_problems(session, case, {**current, **data}, utcnow())
    follow_up = data.get("next_follow_up")
    made = data.get("contacted_at", entry.contacted_at).astimezone(SHANGHAI).date()
    if follow_up is not None and follow_up < made:
        errors["next_follow_up"] = "下次跟进日期不能早于联系日期"
    if errors:
        raise ValidationFailed(errors)
    for key, value in data.items():
        setattr(entry, key, value)
    session.flush()
    follow_up_task(session, actor, case, entry)
    refresh_case(session, case)
    session.flush()
    return entry
