"""The navigation's search box."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.services.search import KIND_LABELS, search

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def index():
    q = request.args.get("q", "")
    try:
        hits, error = search(db.session, q), None
    except DomainError as exc:
        hits, error = [], exc.message
    return render_template("search.html", q=q, hits=hits, error=error, kinds=KIND_LABELS), (
        400 if error else 200
    )
