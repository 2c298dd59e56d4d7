"""Deadlines across cases for a period (the calendar's data)."""

from __future__ import annotations

from datetime import timedelta

from flask import request

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import ValidationFailed
from legalcase.services import calendar as cal
from legalcase.services.clock import today

from . import bp, dumps


@bp.get("/deadlines")
@dumps(S.CalendarList)
def calendar_deadlines():
    errors: dict[str, str] = {}
    now = today()
    start = S.date_arg(request.args, "from", now, errors)
    end = S.date_arg(request.args, "to", now + timedelta(days=90), errors)
    owner = S.int_arg(request.args, "owner", None, 1, 2**31 - 1, errors)
    if errors:
        raise ValidationFailed(errors)
    q = cal.CalendarQuery(
        start,
        end,
        kind=request.args.get("kind") or None,
        owner_id=owner,
        status=request.args.get("status", "open"),
    )
    q.check()
    return {"items": cal.calendar_deadlines(db.session, q, now)}
