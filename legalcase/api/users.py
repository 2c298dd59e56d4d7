"""The user a token belongs to."""

from __future__ import annotations

from flask import g

from legalcase import schemas as S

from . import bp, dumps


@bp.get("/me")
@dumps(S.UserOut)
def me():
    return g.api_user
