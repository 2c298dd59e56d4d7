"""期限日历: a month or a list of deadlines across cases, and each user's iCal feed."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.case_deadlines import KIND_LABELS
from legalcase.domain.errors import DomainError
from legalcase.services import calendar as cal
from legalcase.services import queries
from legalcase.services.clock import today
from legalcase.services.next_deadline import acts_on
from legalcase.services.scope import apply_scope

from .downloads import content_disposition

bp = Blueprint("calendar", __name__)


def _month(raw: str | None, now: date) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in (raw or "").split("-"))
        date(year, month, 1)
        if not 2000 <= year <= 2100:
            raise ValueError
        return year, month
    except ValueError:
        return now.year, now.month


@bp.get("/deadlines")
@login_required
def index():
    now = today()
    view = "list" if request.args.get("view") == "list" else "month"
    year, month = _month(request.args.get("month"), now)
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    owner = request.args.get("owner", "")
    q = cal.CalendarQuery(
        first if view == "month" else now,
        nxt - timedelta(days=1) if view == "month" else now + timedelta(days=90),
        kind=request.args.get("kind") or None,
        owner_id=int(owner) if owner.isdigit() else None,
        status=request.args.get("status", "open"),
    )
    errors = {}
    try:
        q.check()
        rows = cal.calendar_deadlines(db.session, q, now)
    except DomainError as exc:
        errors, rows = exc.fields, []
    by_day: dict[date, list] = {}
    for d in rows:
        by_day.setdefault(acts_on(d), []).append(d)
    prev_month = (first - timedelta(days=1)).strftime("%Y-%m")
    return render_template(
        "calendar.html",
        view=view,
        rows=rows,
        by_day=by_day,
        weeks=cal.month_grid(year, month),
        first=first,
        prev_month=prev_month,
        next_month=nxt.strftime("%Y-%m"),
        q=q,
        errors=errors,
        kinds=KIND_LABELS,
        statuses=cal.STATUSES,
        users=queries.choices_users(db.session),
        acts_on=acts_on,
        today=now,
    ), (400 if errors else 200)


@bp.post("/settings/account/calendar")
@login_required
def reset_feed():
    cal.calendar_token(db.session, current_user, reset=True)
    flash("已生成新的日历订阅地址，旧地址随即失效", "success")
    return redirect(url_for("auth.account"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    """The user's deadlines as iCalendar, at an unguessable URL calendar apps subscribe to."""
    user = cal.user_by_calendar_token(db.session, token)
    if user is None:
        abort(404)
    apply_scope(db.session, user)
    return Response(
        cal.feed(db.session, user, today()),
        mimetype="text/calendar",
        headers={
            "Content-Disposition": content_disposition("legalcase.ics", inline=True),
            "Cache-Control": "no-store",
        },
    )
