"""诉前调解: a case's mediations, their sessions, outcome and the court's confirmation."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.models.mediation import Mediation
from legalcase.schemas.plans import (
    MediationConfirmSchema,
    MediationEndSchema,
    MediationSchema,
    MediationSessionSchema,
)
from legalcase.services import mediation as mediation_svc
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from .forms import form_page
from .plans import _case, may_change

bp = Blueprint("mediation", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _back(case_id: int) -> str:
    return url_for("mediation.index", case_id=case_id)


@bp.get("/cases/<int:case_id>/mediation")
def index(case_id: int):
    case = _case(case_id)
    return render_template(
        "mediation.html",
        case=case,
        mediations=mediation_svc.case_mediations(db.session, case.id),
        may_change=may_change(case),
    )


@bp.route("/cases/<int:case_id>/mediation/new", methods=["GET", "POST"])
def new(case_id: int):
    case = _case(case_id)

    def save(data):
        mediation_svc.open_mediation(db.session, current_user, case, data)
        return _back(case.id)

    return form_page(
        MediationSchema(),
        f"申请诉前调解：{case.title}",
        save,
        initial={"started_date": today().isoformat()},
        cancel_url=_back(case.id),
        success="已登记诉前调解（函件催告阶段的案件已转入诉前调解阶段）",
    )


def _mediation_form(mediation_id: int, schema, title: str, action, initial: dict):
    m = get_or_404(db.session, Mediation, mediation_id, "调解记录")

    def save(data):
        action(db.session, current_user, m.id, data)
        return _back(m.case_id)

    return form_page(
        schema, f"{title}：{m.organisation}", save, initial=initial, cancel_url=_back(m.case_id)
    )


@bp.route("/mediations/<int:mediation_id>/sessions/new", methods=["GET", "POST"])
def new_session(mediation_id: int):
    return _mediation_form(
        mediation_id,
        MediationSessionSchema(),
        "登记调解过程",
        mediation_svc.add_session,
        {"held_date": today().isoformat()},
    )


@bp.route("/mediations/<int:mediation_id>/end", methods=["GET", "POST"])
def end(mediation_id: int):
    return _mediation_form(
        mediation_id,
        MediationEndSchema(),
        "登记调解结果",
        mediation_svc.end_mediation,
        {"ended_date": today().isoformat()},
    )


@bp.route("/mediations/<int:mediation_id>/confirm", methods=["GET", "POST"])
def confirm(mediation_id: int):
    return _mediation_form(
        mediation_id,
        MediationConfirmSchema(),
        "登记司法确认裁定/调解书",
        mediation_svc.confirm_mediation,
        {},
    )
