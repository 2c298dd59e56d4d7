"""Contracts, receivables and payments of a case."""

from __future__ import annotations

from flask import g

from legalcase import schemas as S
from legalcase.db import db
from legalcase.models import Contract, Payment, Receivable
from legalcase.services import queries
from legalcase.services import receivables as recv_svc
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/contracts")
@dumps(S.ContractList)
def list_contracts(case_id: int):
    return {"items": case_or_404(case_id).contracts}


@bp.post("/cases/<int:case_id>/contracts")
@dumps(S.ContractOut, status=201)
def create_contract(case_id: int):
    case = case_or_404(case_id)
    return recv_svc.add_contract(db.session, g.api_user, case, S.parse(S.ContractSchema(), body()))


@bp.patch("/contracts/<int:contract_id>")
@dumps(S.ContractOut)
def patch_contract(contract_id: int):
    contract = get_or_404(db.session, Contract, contract_id, "合同")
    data = S.parse(S.ContractSchema(), body(), partial=True)
    return recv_svc.update_contract(db.session, g.api_user, contract, data)


@bp.get("/cases/<int:case_id>/receivables")
@dumps(S.ReceivableList)
def list_receivables(case_id: int):
    return {"items": case_or_404(case_id).receivables}


@bp.post("/cases/<int:case_id>/receivables")
@dumps(S.ReceivableOut, status=201)
def create_receivable(case_id: int):
    case = case_or_404(case_id)
    data = S.parse(S.ReceivableSchema(), body())
    return recv_svc.add_receivable(db.session, g.api_user, case, data)


@bp.patch("/receivables/<int:receivable_id>")
@dumps(S.ReceivableOut)
def patch_receivable(receivable_id: int):
    receivable = get_or_404(db.session, Receivable, receivable_id, "应收款")
    data = S.parse(S.ReceivableSchema(), body(), partial=True)
    return recv_svc.update_receivable(db.session, g.api_user, receivable, data)


@bp.get("/cases/<int:case_id>/payments")
@dumps(S.PaymentList)
def list_payments(case_id: int):
    return {"items": queries.case_page(db.session, case_id, today(), audit_limit=0).payments}


@bp.post("/cases/<int:case_id>/payments")
@dumps(S.PaymentOut, status=201)
def create_payment(case_id: int):
    case = case_or_404(case_id)
    data = S.parse(S.PaymentSchema(), body())
    return recv_svc.record_payment(db.session, g.api_user, case, data, today=today())


@bp.patch("/payments/<int:payment_id>")
@dumps(S.PaymentOut)
def patch_payment(payment_id: int):
    payment = get_or_404(db.session, Payment, payment_id, "回款")
    data = S.parse(S.PaymentSchema(), body(), partial=True)
    return recv_svc.update_payment(db.session, g.api_user, payment, data, today=today())
