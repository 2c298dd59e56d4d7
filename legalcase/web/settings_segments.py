"""设置 → 风险分层 (administrators only): each segment's cases (score band, creditor, amount
owed) and cadence (ladder days, channels, letter template)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, require_admin
from legalcase.domain.values import CHANNELS
from legalcase.models.propensity import RiskSegment
from legalcase.services import queries
from legalcase.services import segments as segments_svc

from .forms import only_form_errors

bp = Blueprint("settings_segments", __name__, url_prefix="/settings")
BLANK_ROWS = 1
COLUMNS = ("name", "min_score", "max_score", "creditor_id", "min_owed", "max_owed")
COLUMNS += ("ladder_days", "letter_template")


def _letters() -> dict[str, str]:
    from docgen.fields import DOCUMENTS

    return {k: v["title"] for k, v in DOCUMENTS.items()}


@bp.before_request
@login_required
def _admins_only():
    require_admin(Role(current_user.role))  # 403 for everyone else


def _stored() -> list[dict]:
    from sqlalchemy import select

    rows = db.session.scalars(select(RiskSegment).order_by(RiskSegment.position))
    return [
        {
            "name": s.name,
            "min_score": s.min_score,
            "max_score": "" if s.max_score > 100 else s.max_score,
            "creditor_id": s.creditor_id or "",
            "min_owed": "" if s.min_owed is None else s.min_owed,
            "max_owed": "" if s.max_owed is None else s.max_owed,
            "ladder_days": s.ladder_days,
            "channels": s.channels.split(","),
            "letter_template": s.letter_template or "",
        }
        for s in rows
    ]


def _page(rows=None, errors=None, message=None):
    rows = list(rows if rows is not None else _stored()) + [{} for _ in range(BLANK_ROWS)]
    return render_template(
        "settings_segments.html",
        rows=rows,
        errors=errors or {},
        message=message,
        CHANNELS=CHANNELS,
        creditors=queries.choices_creditors(db.session),
        letters=_letters(),
    ), (422 if message else 200)


@bp.get("/segments")
def index():
    return _page()


@bp.post("/segments")
def save():
    form = request.form
    lists = {c: form.getlist(c) for c in COLUMNS}
    count = max(len(v) for v in lists.values())
    rows = []
    for i in range(count):
        row = {c: (lists[c][i] if i < len(lists[c]) else "").strip() for c in COLUMNS}
        row["channels"] = form.getlist(f"channels-{i}")
        if row["name"] or row["ladder_days"]:  # a row left blank is no segment
            rows.append(row)
    try:
        segments_svc.save_segments(db.session, current_user, rows, _letters())
    except DomainError as exc:
        only_form_errors(exc)
        return _page(rows, exc.fields, "输入有误，请检查标红的项目")
    flash("风险分层已保存，下次运行催收阶梯起按分层的节奏生成任务", "success")
    return redirect(url_for("settings_segments.index"))
