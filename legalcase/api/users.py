"""The user a token belongs to, and their calendar feed."""

from __future__ import annotations

from flask import g

from legalcase import schemas as S
from legalcase.db import db, writes
from legalcase.services import calendar as cal

from . import bp, dumps


@bp.get("/me")
@writes  # the calendar feed's token is made on first use
@dumps(S.UserOut)
def me():
    cal.calendar_token(db.session, g.api_user)
    return g.api_user


@bp.post("/me/calendar")
@dumps(S.UserOut)
def reset_calendar():
    """A new calendar feed URL; the old one stops working."""
    cal.calendar_token(db.session, g.api_user, reset=True)
    return g.api_user
