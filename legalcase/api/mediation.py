"""Pre-suit mediation (诉前调解) of a case: opened (a case at the demand stage moves to the
mediation stage), its sessions, and closed with an outcome. Closing without an agreement
moves nothing; the court's confirmation of an agreement is a court event
(POST /cases/{id}/court-events, kind mediation_confirmed, or the screen's form)."""

from __future__ import annotations

from flask import g

from legalcase.db import db
from legalcase.schemas import parse
from legalcase.schemas.mediation import (
    MediationCloseSchema,
    MediationList,
    MediationOut,
    MediationSessionOut,
)
from legalcase.schemas.plans import MediationSchema, MediationSessionSchema
from legalcase.services import mediation as mediation_svc

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/mediations")
@dumps(MediationList)
def list_mediations(case_id: int):
    case = case_or_404(case_id)
    return {"items": mediation_svc.case_mediations(db.session, case.id)}


@bp.post("/cases/<int:case_id>/mediations")
@dumps(MediationOut, status=201)
def open_mediation(case_id: int):
    case = case_or_404(case_id)
    data = parse(MediationSchema(), body())
    return mediation_svc.open_mediation(db.session, g.api_user, case, data)


@bp.post("/mediations/<int:mediation_id>/sessions")
@dumps(MediationSessionOut, status=201)
def add_session(mediation_id: int):
    data = parse(MediationSessionSchema(), body())
    return mediation_svc.add_session(db.session, g.api_user, mediation_id, data)


@bp.post("/mediations/<int:mediation_id>/close")
@dumps(MediationOut)
def close_mediation(mediation_id: int):
    data = parse(MediationCloseSchema(), body())
    return mediation_svc.end_mediation(db.session, g.api_user, mediation_id, data)
