"""Waivers of a case: proposed (within the proposer's limit they take effect at once) and
decided by another user whose limit covers them."""

from __future__ import annotations

from flask import g

from legalcase.db import db
from legalcase.schemas import parse
from legalcase.schemas.plans import DecisionSchema, WaiverList, WaiverOut, WaiverSchema
from legalcase.services import waivers as waiver_svc

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/waivers")
@dumps(WaiverList)
def list_waivers(case_id: int):
    case = case_or_404(case_id)
    return {"items": waiver_svc.case_waivers(db.session, case.id)}


@bp.post("/cases/<int:case_id>/waivers")
@dumps(WaiverOut, status=201)
def propose_waiver(case_id: int):
    case = case_or_404(case_id)
    data = parse(WaiverSchema(), body())  # principal parses, and the service refuses it
    return waiver_svc.propose_waiver(db.session, g.api_user, case, data)


@bp.post("/waivers/<int:waiver_id>/decision")
@dumps(WaiverOut)
def decide_waiver(waiver_id: int):
    data = parse(DecisionSchema(), body())
    return waiver_svc.decide_waiver(
        db.session, g.api_user, waiver_id, data["decision"] == "approve", data["note"]
    )
