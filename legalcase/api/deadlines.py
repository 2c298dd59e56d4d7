"""A case's deadlines, and marking one handled."""

from __future__ import annotations

from flask import g

from legalcase import schemas as S
from legalcase.db import db
from legalcase.services import deadlines as deadline_svc

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/deadlines")
@dumps(S.DeadlineList)
def list_deadlines(case_id: int):
    case_or_404(case_id)
    return {"items": deadline_svc.upcoming_for_case(db.session, case_id)}


@bp.post("/deadlines/<int:deadline_id>/handled")
@dumps(S.DeadlineOut)
def post_handled(deadline_id: int):
    data = S.parse(S.HandledSchema(), body())
    return deadline_svc.mark_handled(db.session, g.api_user, deadline_id, data["note"])
