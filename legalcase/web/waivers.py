"""减免: proposals to waive penalty interest, late fees or costs, their approval, and the
limits per role (设置 → 减免权限)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, require_admin
from legalcase.domain.values import WaiverStatus
from legalcase.domain.waivers import DEFAULT_LIMITS, share_label
from legalcase.models.waivers import Waiver
from legalcase.schemas.plans import DecisionSchema, WaiverLimitsSchema, WaiverSchema
from legalcase.services import waivers as waiver_svc
from legalcase.services.claims import claim_for_case
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from .forms import form_page
from .plans import _case, may_change

bp = Blueprint("waivers", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


@bp.get("/cases/<int:case_id>/waivers")
def index(case_id: int):
    case = _case(case_id)
    try:
        claim = claim_for_case(db.session, case, today())
    except DomainError:
        claim = None
    return render_template(
        "waivers.html",
        case=case,
        waivers=waiver_svc.case_waivers(db.session, case.id),
        limits=waiver_svc.waiver_limits(db.session),
        share_label=share_label,
        claim=claim,
        may_change=may_change(case),
    )


@bp.route("/cases/<int:case_id>/waivers/new", methods=["GET", "POST"])
def new(case_id: int):
    case = _case(case_id)

    said: list[str] = []

    def save(data):
        w = waiver_svc.propose_waiver(db.session, current_user, case, data)
        if w.status == WaiverStatus.APPROVED.value:
            said.append(f"减免 {w.amount:,.2f} 在您的审批权限内，已生效")
        else:
            said.append(f"减免申请 {w.amount:,.2f} 超出您的审批权限，已提交，等待审批")
        return url_for("waivers.index", case_id=case.id, created=w.id)

    return form_page(
        WaiverSchema(),
        f"申请减免：{case.title}",
        save,
        initial={"kind": "penalty_interest"},
        cancel_url=url_for("waivers.index", case_id=case.id),
        success=lambda: said[0],
    )


@bp.route("/waivers/<int:waiver_id>/decide", methods=["GET", "POST"])
def decide(waiver_id: int):
    waiver = get_or_404(db.session, Waiver, waiver_id, "减免申请")

    said: list[str] = []

    def save(data):
        w = waiver_svc.decide_waiver(
            db.session, current_user, waiver.id, data["decision"] == "approve", data["note"]
        )
        said.append(f"减免申请第{w.id}号{WaiverStatus(w.status).label}")
        return url_for("waivers.index", case_id=waiver.case_id)

    return form_page(
        DecisionSchema(),
        f"审批减免申请第{waiver.id}号：{waiver.amount:,.2f}",
        save,
        initial={"decision": "approve"},
        cancel_url=url_for("waivers.index", case_id=waiver.case_id),
        success=lambda: said[0],
    )


@bp.route("/settings/waiver-limits", methods=["GET", "POST"])
def limits():
    require_admin(Role(current_user.role))
    current = waiver_svc.waiver_limits(db.session)

    def pct(share):
        return "" if share is None else f"{(share * 100).normalize():f}"

    def save(data):
        shares = {
            role: None if data.get(role) is None else Decimal(data[role]) / 100
            for role in ("collector", "legal", "admin")
        }
        waiver_svc.set_waiver_limits(db.session, current_user, shares)
        return url_for("waivers.limits")

    return form_page(
        WaiverLimitsSchema(),
        "减免权限（各角色无需审批即可减免的比例）",
        save,
        initial={role: pct(current.get(role)) for role in DEFAULT_LIMITS if role != "viewer"},
        success="减免权限已保存",
    )
