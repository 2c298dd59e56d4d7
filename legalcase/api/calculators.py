"""The deadline and interest calculators (RULES.md sections 7 and 8) and a case's claim.

Their JSON formats are the domain's own (``to_json``, ``output_json``), documented as such.
"""

from __future__ import annotations

from flask import request
from marshmallow import ValidationError

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.calendar import china_calendar
from legalcase.domain.deadline_io import output_json, parse_deadline_input
from legalcase.domain.deadlines import compute
from legalcase.domain.errors import ValidationFailed
from legalcase.domain.interest import compute_interest
from legalcase.domain.interest_io import parse_interest_input
from legalcase.services import claims as claim_svc
from legalcase.services.clock import today
from legalcase.services.lpr import lpr_table

from . import bp, case_or_404, dumps


@bp.post("/deadlines/calculate")
@dumps()
def calculate_deadlines():
    claim, as_of = parse_deadline_input(request.get_json(silent=True))
    return output_json(compute(claim, as_of, china_calendar()))


@bp.post("/interest/calculate")
@dumps()
def calculate_interest():
    inp = parse_interest_input(request.get_json(silent=True))
    return compute_interest(inp, lpr_table(db.session)).to_json()


@bp.get("/cases/<int:case_id>/claim")
@dumps()
def get_claim(case_id: int):
    as_of = request.args.get("as_of")
    try:
        day = S.Day().deserialize(as_of) if as_of else today()
    except ValidationError as exc:
        raise ValidationFailed({"as_of": "；".join(exc.messages)}) from None
    return claim_svc.claim_for_case(db.session, case_or_404(case_id), day).to_json()
