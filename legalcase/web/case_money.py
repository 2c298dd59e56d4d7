"""The case's contracts, receivables and payments (应收与回款)."""

from __future__ import annotations

from flask_login import current_user

from legalcase import schemas as S
from legalcase.db import db
from legalcase.models import (
    Case,
    Contract,
    Payment,
    Receivable,
)
from legalcase.services import queries
from legalcase.services import receivables as recv_svc
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from .cases import _case, _guard, _to_case, bp
from .forms import form_page, instalment_lines


def _contract_choices(case: Case, current: list[int] | None = None) -> dict:
    parties = queries.choices_parties(db.session, include=current or [])
    parties.pop(case.debtor_id, None)
    return {"guarantees": parties}


GUARANTEE_ROW_FIELDS = ("party_id", "guarantee_type", "period_end")


def _guarantees_raw(raw: dict) -> dict:
    """The rows ``guarantees-N-party_id`` / ``-guarantee_type`` / ``-period_end`` (a row with no
    guarantor chosen, or ticked ``-remove``, is left out) -> ``raw["guarantees"]``."""
    rows: dict[int, dict] = {}
    for key in list(raw):
        if not key.startswith("guarantees-"):
            continue
        value = raw.pop(key)
        _, n, name = key.split("-", 2)
        if n.isdigit() and (name in GUARANTEE_ROW_FIELDS or name == "remove"):
            rows.setdefault(int(n), {})[name] = (value or "").strip()
    raw["guarantees"] = [
        {k: v for k, v in row.items() if v and k in GUARANTEE_ROW_FIELDS}
        for _, row in sorted(rows.items())
        if row.get("party_id") and not row.get("remove")
    ]
    return raw


def _guarantee_values(contract: Contract) -> dict:
    out = {}
    for n, g in enumerate(contract.guarantees):
        out[f"guarantees-{n}-party_id"] = str(g.party_id)
        out[f"guarantees-{n}-guarantee_type"] = g.guarantee_type
        out[f"guarantees-{n}-period_end"] = str(g.period_end or "")
    return out


@bp.route("/cases/<int:case_id>/contracts/new", methods=["GET", "POST"])
def new_contract(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        recv_svc.add_contract(db.session, current_user, case, data)
        return _to_case(case.id, "overview")

    initial = {
        "currency": case.currency,
        "governing_law": "CN",
        "dispute_resolution": "court",
        "late_fee_type": "none",
        "kind": "sale",
    }
    return form_page(
        S.ContractSchema(),
        "新增合同",
        save,
        initial=initial,
        choices=_contract_choices(case),
        raw_hook=_guarantees_raw,
    )


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
def edit_contract(contract_id: int):
    contract = get_or_404(db.session, Contract, contract_id, "合同")
    _guard(contract.case)

    def save(data):
        recv_svc.update_contract(db.session, current_user, contract, data)
        return _to_case(contract.case_id, "overview")

    return form_page(
        S.ContractSchema(),
        f"编辑合同 {contract.number}",
        save,
        initial=S.dump_fields(S.ContractSchema(), contract) | _guarantee_values(contract),
        choices=_contract_choices(contract.case, [g.party_id for g in contract.guarantees]),
        raw_hook=_guarantees_raw,
    )


def _receivable_raw(raw: dict) -> dict:
    raw["instalments"] = instalment_lines(raw.get("instalments"))
    return raw


def _contracts_of(case: Case) -> dict:
    return {"contract_id": {c.id: c.number for c in case.contracts}}


@bp.route("/cases/<int:case_id>/receivables/new", methods=["GET", "POST"])
def new_receivable(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        recv_svc.add_receivable(db.session, current_user, case, data)
        return _to_case(case.id, "money")

    return form_page(
        S.ReceivableSchema(),
        "新增应收款",
        save,
        initial={"currency": case.currency},
        choices=_contracts_of(case),
        raw_hook=_receivable_raw,
    )


@bp.route("/receivables/<int:receivable_id>/edit", methods=["GET", "POST"])
def edit_receivable(receivable_id: int):
    r = get_or_404(db.session, Receivable, receivable_id, "应收款")
    _guard(r.case)

    def save(data):
        recv_svc.update_receivable(db.session, current_user, r, data)
        return _to_case(r.case_id, "money")

    initial = S.dump_fields(S.ReceivableSchema(), r)
    initial["instalments"] = "\n".join(f"{i.due_date} {i.amount:.2f}" for i in r.instalments)
    return form_page(
        S.ReceivableSchema(),
        f"编辑应收款 {r.invoice_no}",
        save,
        initial=initial,
        choices=_contracts_of(r.case),
        raw_hook=_receivable_raw,
    )


@bp.route("/cases/<int:case_id>/payments/new", methods=["GET", "POST"])
def new_payment(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        recv_svc.record_payment(db.session, current_user, case, data, today=today())
        return _to_case(case.id, "money")

    open_items = {
        r.id: f"{r.invoice_no}（尚欠 {r.outstanding:,.2f}）"
        for r in case.receivables
        if r.outstanding > 0
    }
    return form_page(
        S.PaymentSchema(),
        "登记回款",
        save,
        initial={"currency": case.currency, "paid_date": str(today()), "method": "bank"},
        choices={"receivable_id": open_items},
    )


@bp.route("/payments/<int:payment_id>/edit", methods=["GET", "POST"])
def edit_payment(payment_id: int):
    payment = get_or_404(db.session, Payment, payment_id, "回款")
    case = _case(payment.case_id)
    _guard(case)

    def save(data):
        recv_svc.update_payment(db.session, current_user, payment, data, today=today())
        return _to_case(case.id, "money")

    initial = S.dump_fields(S.PaymentSchema(), payment)
    if len(payment.allocations) == 1:
        initial["receivable_id"] = str(payment.allocations[0].receivable_id)
    return form_page(
        S.PaymentSchema(),
        f"更正回款（{payment.paid_date}）",
        save,
        initial=initial,
        choices={"receivable_id": {r.id: r.invoice_no for r in case.receivables}},
        success="回款已更正，冲抵已重新计算",
    )
