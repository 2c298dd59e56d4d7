"""还款计划: a case's repayment plans with each instalment's status, and recording a plan."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.roles import Role, can_change_case
from legalcase.models import Case
from legalcase.models.plans import RepaymentPlan
from legalcase.schemas.plans import PlanCancelSchema, PlanSchema
from legalcase.services import plan_cancel
from legalcase.services import plans as plan_svc
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from .forms import form_page

bp = Blueprint("plans", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _case(case_id: int) -> Case:
    return get_or_404(db.session, Case, case_id, "案件")


def may_change(case: Case) -> bool:
    return can_change_case(Role(current_user.role), current_user.id, case.owner_id)


def plan_lines(text: str | None) -> list[dict] | None:
    """'2026-12-31 10000 300' per line -> [{'due_date', 'principal', 'interest'}]."""
    if not text or not str(text).strip():
        return None
    rows = []
    for line in str(text).strip().splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if parts:
            rows.append(
                {
                    "due_date": parts[0],
                    "principal": parts[1] if len(parts) > 1 else "",
                    "interest": parts[2] if len(parts) > 2 else "0",
                }
            )
    return rows


@bp.get("/cases/<int:case_id>/plans")
def index(case_id: int):
    case = _case(case_id)
    return render_template(
        "plans.html",
        case=case,
        plans=plan_svc.case_plans(db.session, case.id),
        may_change=may_change(case),
        today=today(),
    )


@bp.route("/cases/<int:case_id>/plans/new", methods=["GET", "POST"])
def new(case_id: int):
    case = _case(case_id)

    def save(data):
        plan_svc.create_plan(db.session, current_user, case, data)
        return url_for("plans.index", case_id=case.id)

    return form_page(
        PlanSchema(),
        f"登记还款协议：{case.title}",
        save,
        initial={"agreed_date": today().isoformat(), "grace_days": 0, "remind_days": 3},
        raw_hook=lambda raw: {**raw, "instalments": plan_lines(raw.get("instalments"))},
        cancel_url=url_for("plans.index", case_id=case.id),
        success="还款协议已登记：已记入催收台账（债务人同意履行），各期还款前已安排提醒，期限已重新计算"
        "（原有未履行完毕的还款协议已取消：被新协议取代）",
    )


@bp.route("/plans/<int:plan_id>/cancel", methods=["GET", "POST"])
def cancel(plan_id: int):
    """The plan page's cancel form posts here; an error re-shows it on its own page."""
    plan = get_or_404(db.session, RepaymentPlan, plan_id, "还款协议")
    back = url_for("plans.index", case_id=plan.case_id)

    def save(data):
        plan_cancel.cancel_plan(db.session, current_user, plan.id, data["reason"])
        return back

    return form_page(
        PlanCancelSchema(),
        f"取消还款协议（{plan.agreed_date}签订）",
        save,
        cancel_url=back,
        success="还款协议已取消：其还款提醒已关闭，期限已按发票到期日重新计算",
    )
