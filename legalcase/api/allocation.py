"""Allocation (分案): bulk assignment and the allocation log."""

from __future__ import annotations

from flask import g, request

from legalcase.db import db
from legalcase.domain.errors import ValidationFailed
from legalcase.schemas import int_arg, parse
from legalcase.schemas.allocation import AllocationLogList, AssignSchema
from legalcase.services import allocation as svc

from . import body, bp, dumps


@bp.post("/cases/assign")
@dumps(AllocationLogList)
def assign_cases():
    data = parse(AssignSchema(), body())
    given = svc.assign_cases(db.session, g.api_user, data["case_ids"], data["assignee_id"])
    return {"items": given}


@bp.get("/allocation-log")
@dumps(AllocationLogList)
def allocation_log():
    errors: dict[str, str] = {}
    case_id = int_arg(request.args, "case", None, 1, 2**31 - 1, errors)
    user_id = int_arg(request.args, "user", None, 1, 2**31 - 1, errors)
    limit = int_arg(request.args, "limit", 100, 1, 1000, errors)
    if errors:
        raise ValidationFailed(errors)
    return {"items": svc.list_log(db.session, case_id, user_id, limit)}
