"""One search over cases, parties, contacts, invoices and contracts."""

from __future__ import annotations

from flask import request

from legalcase import schemas as S
from legalcase.db import db
from legalcase.services.search import search

from . import bp, dumps


@bp.get("/search")
@dumps(S.SearchList)
def search_all():
    return {"items": search(db.session, request.args.get("q"))}
