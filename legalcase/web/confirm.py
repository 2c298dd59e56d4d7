"""The public page of an online statement (对账确认): reached only through its link, without
an account. Nothing else of the application is reachable from it: its own minimal
templates, no navigation, no links; rate-limited per client address."""

from __future__ import annotations

import hashlib
import os

from flask import Blueprint, Flask, current_app, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from legalcase.db import db
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.values import CONFIRMATION_DECISIONS
from legalcase.models import Case
from legalcase.services import confirmations as svc
from legalcase.services.clock import today

bp = Blueprint("confirm", __name__)
DEFAULT_LIMIT = "20 per minute;100 per hour"
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _page(conf, errors=None, values=None, status=200):
    case = db.session.get(Case, conf.case_id)
    st = svc.statement_of(db.session, case, today())
    fragment = render_template("confirm_statement.html", st=st)
    digest = hashlib.sha256(fragment.encode("utf-8")).hexdigest()
    html = render_template(
        "confirm.html",
        st=st,
        statement=Markup(fragment),
        page_sha256=digest,
        conf=conf,
        decisions=CONFIRMATION_DECISIONS,
        errors=errors or {},
        values=values or {},
    )
    return html, status, HEADERS, st, digest


@bp.get("/confirm/<token>")
def show(token: str):
    conf = svc.find_link(db.session, token)
    html, status, headers, _, _ = _page(conf)
    return html, status, headers


@bp.post("/confirm/<token>")
def answer(token: str):
    conf = svc.find_link(db.session, token)
    values = {k: request.form.get(k, "") for k in ("decision", "name", "reason")}
    ticked = [int(v) for v in request.form.getlist("dispute_ids") if v.isdigit()]
    disputed = tuple((rid, request.form.get(f"amount_{rid}", "")) for rid in ticked)
    values["dispute_ids"] = set(ticked)
    values.update({f"amount_{rid}": raw for rid, raw in disputed})
    html, _, headers, st, digest = _page(conf, values=values)
    if request.form.get("page_sha256") != digest:  # the figures changed since it was shown
        html, status, headers, _, _ = _page(
            conf, {"page": "对账内容已更新，请核对以下最新明细后重新提交"}, values, 409
        )
        return html, status, headers
    sub = svc.Submission(
        values["decision"],
        values["name"].strip(),
        values["reason"].strip(),
        request.remote_addr,
        request.headers.get("User-Agent"),
        digest,
        disputed if values["decision"] == "dispute" else (),
    )
    try:
        svc.check_submission(sub.__dict__, st)
    except ValidationFailed as exc:
        html, status, headers, _, _ = _page(conf, exc.fields, values, 422)
        return html, status, headers
    cfg = current_app.config
    svc.submit(
        db.session,
        db.storage,
        conf,
        st,
        sub,
        tmp_dir=cfg["UPLOAD_TMP"],
        max_bytes=int(cfg["EVIDENCE_MAX_MB"]) * 2**20,
    )
    return (
        render_template("confirm_done.html", conf=conf, decisions=CONFIRMATION_DECISIONS),
        200,
        HEADERS,
    )


@bp.errorhandler(DomainError)
def _refused(exc: DomainError):
    db.uow.rollback()
    return render_template("confirm_error.html", error=exc), exc.status, HEADERS


@bp.errorhandler(CSRFError)
def _no_csrf(_exc):
    error = DomainError("csrf", "页面已失效或来源不明，请重新打开对账链接后再提交")
    return render_template("confirm_error.html", error=error), 400, HEADERS


@bp.errorhandler(RateLimitExceeded)
def _throttled(_exc):
    error = DomainError("too_many", "访问过于频繁，请稍后再试")
    return render_template("confirm_error.html", error=error), 429, {**HEADERS, "Retry-After": "60"}


def limit_links(app: Flask) -> None:
    """Rate-limit the link's page per client address (call after ``init_security``)."""
    # the address the debtor reaches the app at, for the QR code on the printed statement
    app.config.setdefault("PUBLIC_URL", os.environ.get("LEGALCASE_PUBLIC_URL", ""))
    limiter = app.extensions["legalcase_limiter"]
    limit = app.config.get("CONFIRM_LINK_LIMIT") or os.environ.get(
        "LEGALCASE_CONFIRM_LINK_LIMIT", DEFAULT_LIMIT
    )
    for endpoint in ("confirm.show", "confirm.answer"):
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(limit, scope="confirm-link")(view)
