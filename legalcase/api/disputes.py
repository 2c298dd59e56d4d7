"""Disputes on receivables: list and open per case, resolve one."""

from __future__ import annotations

from flask import g

from legalcase.db import db
from legalcase.models import Dispute
from legalcase.schemas import parse
from legalcase.schemas.disputes import DisputeList, DisputeOut, DisputeSchema, ResolveSchema
from legalcase.services import disputes as svc
from legalcase.services.common import get_or_404

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/disputes")
@dumps(DisputeList)
def list_disputes(case_id: int):
    case = case_or_404(case_id)
    return {
        "items": svc.case_disputes(db.session, case.id),
        "paused": case.id in svc.paused_case_ids(db.session, [case.id]),
        "outstanding_amount": case.outstanding_amount,
    }


@bp.post("/cases/<int:case_id>/disputes")
@dumps(DisputeOut, status=201)
def create_dispute(case_id: int):
    case = case_or_404(case_id)
    return svc.open_dispute(db.session, g.api_user, case, parse(DisputeSchema(), body()))


@bp.post("/disputes/<int:dispute_id>/resolve")
@dumps(DisputeOut)
def resolve_dispute(dispute_id: int):
    dispute = get_or_404(db.session, Dispute, dispute_id, "异议")
    return svc.resolve_dispute(db.session, g.api_user, dispute, parse(ResolveSchema(), body()))
