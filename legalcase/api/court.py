"""Court events of a case; recording one recomputes the case's deadlines."""

from __future__ import annotations

from flask import g

from legalcase import schemas as S
from legalcase.db import db
from legalcase.models import CourtEvent
from legalcase.services import court as court_svc
from legalcase.services import queries
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/court-events")
@dumps(S.CourtEventList)
def list_court_events(case_id: int):
    return {"items": queries.case_page(db.session, case_id, today(), audit_limit=0).court_events}


@bp.post("/cases/<int:case_id>/court-events")
@dumps(S.CourtEventOut, status=201)
def create_court_event(case_id: int):
    case = case_or_404(case_id)
    data = S.parse(S.CourtEventSchema(), body())
    return court_svc.add_court_event(db.session, g.api_user, case, data)


@bp.patch("/court-events/<int:event_id>")
@dumps(S.CourtEventOut)
def patch_court_event(event_id: int):
    event = get_or_404(db.session, CourtEvent, event_id, "诉讼事件")
    data = S.parse(S.CourtEventSchema(), body(), partial=True)
    return court_svc.update_court_event(db.session, g.api_user, event, data)
