"""报表 → 目标与KPI: monthly KPI trends against the targets (85% contact within 30 days, 40%
commitment within 60 days) and each collector's and the team's monthly targets with their
achievement; administrators set the targets."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.kpi import COMMITMENT_TARGET, CONTACT_TARGET, month_key
from legalcase.services import queries
from legalcase.services import targets as targets_svc
from legalcase.services.clock import today
from legalcase.services.kpi import kpi_trends

from .forms import only_form_errors

bp = Blueprint("targets", __name__)
RATES = (
    ("contact_rate", "30天内联系率"),
    ("commitment_rate", "60天内承诺率"),
    ("recovery_rate", "回收率"),
    ("promise_kept_rate", "承诺兑现率"),
    ("bad_debt_rate", "坏账率"),
)


@bp.before_request
@login_required
def _require_login():
    return None


def _chart(rows) -> str:
    return json.dumps(
        {
            "labels": [r.month for r in rows],
            "series": [
                {"label": label, "values": [_pct(getattr(r, key)) for r in rows]}
                for key, label in RATES
            ],
            "targets": {
                "contact_rate": _pct(CONTACT_TARGET),
                "commitment_rate": _pct(COMMITMENT_TARGET),
            },
        },
        ensure_ascii=False,
    )


def _pct(v):
    return None if v is None else round(float(v) * 100, 1)


def _page(month: str, errors=None, status=200):
    rows = kpi_trends(db.session, today())
    return render_template(
        "kpi.html",
        trends=rows,
        rates=RATES,
        chart=_chart(rows),
        month=month,
        targets=targets_svc.month_rows(db.session, month),
        people=queries.choices_users(db.session),
        contact_target=CONTACT_TARGET,
        commitment_target=COMMITMENT_TARGET,
        errors=errors or {},
    ), status


@bp.get("/kpi")
def index():
    month = request.args.get("month") or month_key(today())
    if not targets_svc.MONTH.fullmatch(month):
        month = month_key(today())
    return _page(month)


@bp.post("/kpi/targets")
def set_target():
    try:
        targets_svc.set_target(db.session, current_user, request.form.to_dict())
    except DomainError as exc:
        only_form_errors(exc)
        return _page(request.form.get("month") or month_key(today()), exc.fields, 422)
    flash("目标已保存", "success")
    return redirect(url_for("targets.index", month=request.form.get("month")))


@bp.app_template_global("kpi_trend_rows")
def kpi_trend_rows(months: int = 6) -> list:
    """The last months' KPIs for the dashboard (managers), kept a few minutes."""
    from .worklist import cached

    return cached(("kpi", months), lambda: kpi_trends(db.session, today(), months))


@bp.app_template_global("kpi_targets")
def kpi_targets() -> tuple:
    """(contact rate within 30 days, commitment rate within 60 days) targets."""
    return CONTACT_TARGET, COMMITMENT_TARGET
