"""Contracts, receivables, payments and the balances they add up to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.money import ZERO, format_money
from legalcase.models import (
    Case,
    Contract,
    Instalment,
    Party,
    Payment,
    PaymentAllocation,
    Receivable,
    User,
)
from legalcase.models.base import utcnow
from legalcase.models.cases import ContractGuarantee

from .balances import allocate, owed, refresh_balances
from .clock import today as clock_today
from .common import apply, begin_case_write
from .deadlines import refresh_case
from .judgments import judgment_claim
from .promises import refresh_promises

# ---- contracts ---------------------------------------------------------------------


def _check_guarantees(session: Session, case: Case, items: list[dict] | None) -> dict:
    """Errors by "guarantees.N.field": each guarantor once, a party that exists, not the debtor."""
    errors = {}
    seen: set[int] = set()
    for n, g in enumerate(items or []):
        party_id = g.get("party_id")
        if not g.get("guarantee_type"):  # a PATCH loads the rows partially too
            errors[f"guarantees.{n}.guarantee_type"] = "必填"
        if not party_id:
            errors[f"guarantees.{n}.party_id"] = "必填"
        elif party_id == case.debtor_id:
            errors[f"guarantees.{n}.party_id"] = "保证人不能是债务人本人"
        elif party_id in seen:
            errors[f"guarantees.{n}.party_id"] = "同一保证人重复填写"
        elif session.get(Party, party_id) is None:
            errors[f"guarantees.{n}.party_id"] = "保证人不存在"
        seen.add(party_id)
    return errors


def _check_contract(
    session: Session, case: Case, data: dict, contract_id: int | None, guarantees: list | None
) -> None:
    errors = _check_guarantees(session, case, guarantees)
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        errors["end_date"] = "到期日不能早于开始日"
    fee = data.get("late_fee_type", "none")
    if fee in ("daily_rate", "annual_rate") and not data.get("late_fee_rate"):
        errors["late_fee_rate"] = "请填写约定的逾期利率（%）"
    if fee == "fixed_penalty" and not data.get("late_fee_amount"):
        errors["late_fee_amount"] = "请填写约定的违约金金额"
    number = data.get("number")
    if number:
        clash = session.scalar(
            select(Contract.id).where(Contract.case_id == case.id, Contract.number == number)
        )
        if clash and clash != contract_id:
            errors["number"] = f"本案已有合同编号 {number}"
    if errors:
        raise ValidationFailed(errors)


def _set_guarantees(session: Session, contract: Contract, items: list[dict]) -> None:
    """Make the contract's guarantees in force be ``items``: a guarantor kept is updated in
    place, one left out is ended (its row stays, with ``ended_at``), a new one is added."""
    current = {
        g.party_id: g
        for g in session.scalars(
            select(ContractGuarantee).where(
                ContractGuarantee.contract_id == contract.id, ContractGuarantee.ended_at.is_(None)
            )
        )
    }
    wanted = {g["party_id"]: g for g in items}
    now = utcnow()
    for party_id, row in current.items():
        if party_id not in wanted:
            row.ended_at = now
    for party_id, g in wanted.items():
        row = current.get(party_id)
        if row is None:
            session.add(
                ContractGuarantee(
                    case_id=contract.case_id,
                    contract_id=contract.id,
                    party_id=party_id,
                    guarantee_type=g["guarantee_type"],
                    period_end=g.get("period_end"),
                )
            )
        else:
            apply(row, {"guarantee_type": g["guarantee_type"], "period_end": g.get("period_end")})
    session.flush()
    session.expire(contract, ["guarantees"])


def add_contract(session: Session, actor: User, case: Case, data: dict) -> Contract:
    begin_case_write(session, actor, case)
    data = dict(data)
    guarantees = data.pop("guarantees", None) or []
    _check_contract(session, case, data, None, guarantees)
    contract = Contract(case_id=case.id, **data)
    session.add(contract)
    session.flush()
    _set_guarantees(session, contract, guarantees)
    refresh_case(session, case)
    session.flush()
    return contract


def update_contract(session: Session, actor: User, contract: Contract, data: dict) -> Contract:
    """``data["guarantees"]``: the guarantors in force afterwards; absent (None): unchanged."""
    case = contract.case
    begin_case_write(session, actor, case)
    data = dict(data)
    guarantees = data.pop("guarantees", None)
    fields = {c: getattr(contract, c) for c in _CONTRACT_FIELDS}
    fields.update(data)
    _check_contract(session, case, fields, contract.id, guarantees)
    apply(contract, data)
    if guarantees is not None:
        _set_guarantees(session, contract, guarantees)
    refresh_balances(case)  # its rate sets how a payment splits under ``statutory``
    refresh_case(session, case)
    session.flush()
    return contract


_CONTRACT_FIELDS = "number start_date end_date late_fee_type late_fee_rate late_fee_amount".split()

# ---- receivables -------------------------------------------------------------------


def receivable_oldest_due(r: Receivable) -> date | None:
    return owed(r).oldest_due


def _check_receivable(
    session: Session, case: Case, data: dict, instalments: list[dict] | None, rid: int | None
) -> list[dict] | None:
    errors = {}
    issue, due = data["issue_date"], data["due_date"]
    if data.get("currency", case.currency) != case.currency:
        errors["currency"] = f"币种须与案件一致（{case.currency}）"
    if instalments:
        total = sum((i["amount"] for i in instalments), ZERO)
        if total != data["amount"]:
            errors["instalments"] = (
                f"分期金额合计 {format_money(total)} 与应收金额 {format_money(data['amount'])} 不符"
            )
        dates = [i["due_date"] for i in instalments]
        if any(d < issue for d in dates):
            errors["instalments"] = "分期到期日不能早于开票日"
        if len(set(dates)) != len(dates):
            errors["instalments"] = "分期到期日不能重复"
        instalments = sorted(instalments, key=lambda i: i["due_date"])
        due = data["due_date"] = instalments[-1]["due_date"]
    if due < issue:
        errors["due_date"] = "到期日不能早于开票日"
    contract_id = data.get("contract_id")
    if contract_id:
        contract = session.get(Contract, contract_id)
        if contract is None or contract.case_id != case.id:
            errors["contract_id"] = "合同不属于本案"
    clash = session.scalar(
        select(Receivable.id).where(
            Receivable.creditor_id == case.creditor_id, Receivable.invoice_no == data["invoice_no"]
        )
    )
    if clash and clash != rid:
        errors["invoice_no"] = f"发票号 {data['invoice_no']} 已登记在本债权主体的其他应收款中"
    if errors:
        raise ValidationFailed(errors)
    return instalments


def _flush_unique(session: Session, case: Case) -> None:
    """Refresh deadlines; a race on the invoice number becomes the same clear message."""
    try:
        refresh_case(session, case)
    except IntegrityError:
        raise ValidationFailed({"invoice_no": "发票号已登记在本债权主体的其他应收款中"}) from None


def add_receivable(session: Session, actor: User, case: Case, data: dict) -> Receivable:
    """Add an invoice to the case; ``data["instalments"]`` optionally splits it."""
    begin_case_write(session, actor, case)
    data = {"currency": case.currency, **data}
    instalments = data.pop("instalments", None)
    instalments = _check_receivable(session, case, data, instalments, None)
    r = Receivable(case=case, creditor_id=case.creditor_id, paid_amount=ZERO, **data)
    for seq, i in enumerate(instalments or [], start=1):
        r.instalments.append(Instalment(seq=seq, due_date=i["due_date"], amount=i["amount"]))
    session.add(r)
    _flush_unique(session, case)
    refresh_balances(case)
    session.flush()
    return r


def update_receivable(session: Session, actor: User, r: Receivable, data: dict) -> Receivable:
    case = r.case
    begin_case_write(session, actor, case)
    data = dict(data)
    instalments = data.pop("instalments", None)
    merged = {
        "invoice_no": r.invoice_no,
        "amount": r.amount,
        "issue_date": r.issue_date,
        "due_date": r.due_date,
        "currency": r.currency,
        **data,
    }
    instalments = _check_receivable(session, case, merged, instalments, r.id)
    if merged["amount"] < r.paid_amount:
        raise ValidationFailed(
            {"amount": f"金额不能低于已收回的 {format_money(r.paid_amount, r.currency)}"}
        )
    data["due_date"] = merged["due_date"]
    apply(r, data)
    if instalments is not None:
        r.instalments.clear()
        session.flush()
        for seq, i in enumerate(instalments, start=1):
            r.instalments.append(Instalment(seq=seq, due_date=i["due_date"], amount=i["amount"]))
    _flush_unique(session, case)
    refresh_balances(case)
    session.flush()
    return r


# ---- payments ----------------------------------------------------------------------


def _allocate(payment: Payment, pool: list[Receivable], amount: Decimal) -> None:
    """Spread ``amount`` over ``pool`` by the one allocation rule (``balances.allocate``).

    The receivables' paid amounts are then stored by ``refresh_balances``, from the allocations.
    """
    by_id = {r.id: r for r in pool}
    for o, part in allocate(amount, [owed(r) for r in pool]):
        payment.allocations.append(PaymentAllocation(receivable=by_id[o.id], amount=part))


def _judgment_ceiling(session: Session, case: Case, today: date) -> Decimal | None:
    """After a money judgment the debtor owes the judgment money and the delayed-performance
    interest, which may exceed the invoices: the most a payment may then be."""
    claim = judgment_claim(session, case, today)
    return None if claim is None else claim.total


def _check_payment(
    case: Case,
    data: dict,
    receivable_id: int | None,
    today: date,
    ceiling: Decimal | None = None,
) -> list:
    """Validate a payment against what is owed; return the receivables it may settle.

    ``ceiling``: after a money judgment, what the judgment makes owed (the part of a payment
    beyond the invoices is not allocated to them; the judgment's claim counts it)."""
    errors = {}
    currency = data.get("currency") or case.currency
    if currency != case.currency:
        errors["currency"] = f"币种须与案件一致（{case.currency}）"
    if data["paid_date"] > today:
        errors["paid_date"] = "回款日期不能晚于今天"
    if receivable_id:
        target = next((r for r in case.receivables if r.id == receivable_id), None)
        if target is None:
            errors["receivable_id"] = "应收款不属于本案"
        pool = [target] if target else []
    else:
        pool = list(case.receivables)
    owing = sum((r.outstanding for r in pool), ZERO)
    if ceiling is not None and not receivable_id:
        owing = max(owing, ceiling)
    if not errors and data["amount"] > owing:
        errors["amount"] = (
            f"回款 {format_money(data['amount'], currency)} 超过尚欠金额 {format_money(owing, currency)}"
        )
    if errors:
        raise ValidationFailed(errors)
    return pool


def record_payment(
    session: Session,
    actor: User,
    case: Case,
    data: dict,
    today: date | None = None,
) -> Payment:
    """Record a payment and allocate it: to ``data["receivable_id"]``, or earliest due first."""
    begin_case_write(session, actor, case)
    data = dict(data)
    receivable_id = data.pop("receivable_id", None)
    today = today or clock_today()
    pool = _check_payment(
        case, data, receivable_id, today, _judgment_ceiling(session, case, data["paid_date"])
    )
    data["currency"] = data.get("currency") or case.currency
    payment = Payment(case_id=case.id, recorded_by_id=actor.id, created_at=utcnow(), **data)
    _allocate(payment, pool, data["amount"])
    session.add(payment)
    refresh_balances(case)
    session.flush()
    # every promise of the case: a payment dated inside a lapsed promise's window keeps it
    refresh_promises(session, case, today, recheck=True)
    refresh_case(session, case, today)
    session.flush()
    return payment


def update_payment(
    session: Session, actor: User, payment: Payment, data: dict, today: date | None = None
) -> Payment:
    """Correct a payment: its allocations are undone and made again from the new figures."""
    case = session.get(Case, payment.case_id)
    begin_case_write(session, actor, case)
    data = dict(data)
    receivable_id = data.pop("receivable_id", None)
    today = today or clock_today()
    merged = {
        "paid_date": payment.paid_date,
        "amount": payment.amount,
        "currency": payment.currency,
        **data,
    }
    with session.no_autoflush:
        for a in payment.allocations:
            a.receivable.paid_amount = a.receivable.paid_amount - a.amount
        ceiling = _judgment_ceiling(session, case, merged["paid_date"])
        pool = _check_payment(case, merged, receivable_id, today, ceiling)  # caller rolls back
        payment.allocations.clear()
        apply(payment, data)
        _allocate(payment, pool, merged["amount"])
    refresh_balances(case)
    session.flush()
    refresh_promises(session, case, today, recheck=True)
    refresh_case(session, case, today)
    session.flush()
    return payment
