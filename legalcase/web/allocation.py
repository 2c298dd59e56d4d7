"""Allocation (分案): the rules screen under 设置 and bulk assignment from the portfolio."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from legalcase.db import db
from legalcase.domain.allocation import METHOD_LABELS
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role
from legalcase.models import AllocationRule, User
from legalcase.schemas import parse
from legalcase.schemas.allocation import AllocationRuleSchema, AssignSchema, CapacitySchema
from legalcase.services import allocation as svc
from legalcase.services import allocation_rules as rules_svc
from legalcase.services import queries
from legalcase.services.clock import today

from .forms import form_page, only_form_errors, readable_message

bp = Blueprint("allocation", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _back() -> str:
    """Where the portfolio form came from (its filters kept), never another host."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return url_for("cases.portfolio")
    return target


@bp.post("/cases/assign")
def bulk_assign():
    raw = {
        "case_ids": request.form.getlist("case_ids"),
        "assignee_id": request.form.get("assignee_id"),
    }
    try:
        data = parse(AssignSchema(), raw)
        given = svc.assign_cases(db.session, current_user, data["case_ids"], data["assignee_id"])
    except DomainError as exc:
        only_form_errors(exc)  # a refusal of permission goes to the error page (403)
        flash(readable_message(exc, AssignSchema()), "danger")
        return redirect(_back())
    target = db.session.get(User, data["assignee_id"])
    flash(f"已将 {len(given)} 件案件分配给{target.display_name}", "success")
    return redirect(_back())


@bp.app_template_global("workload_rows")
def workload_rows() -> list:
    """The 工作台 card: everyone's load for admins, legal staff and viewers; a collector's own."""
    from legalcase.services.dashboard import workload

    mine = [current_user.id] if current_user.role == Role.COLLECTOR.value else None
    return workload(db.session, today(), mine)


# ---- 设置 · 分案规则 (admins and legal staff) ----------------------------------------


def _allocators_only() -> None:
    svc.require_allocator(current_user)


def _people() -> list[User]:
    """Who can be given cases: active users other than viewers, collectors first."""
    users = db.session.scalars(
        select(User).where(User.is_active.is_(True), User.role != Role.VIEWER.value)
    )
    order = {Role.COLLECTOR.value: 0, Role.LEGAL.value: 1, Role.ADMIN.value: 2}
    return sorted(users, key=lambda u: (order.get(u.role, 3), u.display_name, u.id))


@bp.get("/settings/allocation")
def index():
    _allocators_only()
    people = _people()
    return render_template(
        "allocation.html",
        rules=rules_svc.list_rules(db.session),
        summary=rules_svc.rule_summary,
        people=people,
        loads=svc.open_case_counts(db.session, [u.id for u in people]),
        capacities=rules_svc.capacities(db.session),
        waiting=len(svc.waiting_case_ids(db.session)),
        log=svc.list_log(db.session, limit=100),
        METHOD_LABELS=METHOD_LABELS,
    )


def _rule_choices() -> dict:
    return {
        "creditor_id": queries.choices_creditors(db.session),
        "member_ids": {u.id: u.display_name for u in _people()},
    }


@bp.route("/settings/allocation/rules/new", methods=["GET", "POST"])
def new_rule():
    _allocators_only()

    def save(data):
        rules_svc.create_rule(db.session, current_user, data)
        return url_for("allocation.index")

    return form_page(
        AllocationRuleSchema(),
        "新建分案规则",
        save,
        initial={"priority": "100", "is_active": "true"},
        choices=_rule_choices(),
        cancel_url=url_for("allocation.index"),
        success="分案规则已保存",
    )


@bp.route("/settings/allocation/rules/<int:rule_id>", methods=["GET", "POST"])
def edit_rule(rule_id: int):
    _allocators_only()
    rule = db.session.get(AllocationRule, rule_id)
    if rule is None:
        from legalcase.domain.errors import NotFound

        raise NotFound("分案规则")

    def save(data):
        rules_svc.update_rule(db.session, current_user, rule_id, data)
        return url_for("allocation.index")

    initial = {
        "name": rule.name,
        "priority": str(rule.priority),
        "creditor_id": str(rule.creditor_id or ""),
        "tiers": (rule.tiers or "").split(","),
        "min_amount": "" if rule.min_amount is None else f"{rule.min_amount:.2f}",
        "max_amount": "" if rule.max_amount is None else f"{rule.max_amount:.2f}",
        "regions": rule.regions or "",
        "member_ids": [str(u.id) for u in rule.members],
        "is_active": "true" if rule.is_active else "",
    }
    return form_page(
        AllocationRuleSchema(),
        f"编辑分案规则：{rule.name}",
        save,
        initial=initial,
        choices=_rule_choices(),
        cancel_url=url_for("allocation.index"),
        success="分案规则已保存",
    )


@bp.post("/settings/allocation/capacity")
def capacity():
    _allocators_only()
    raw = {
        "user_id": request.form.get("user_id"),
        "max_open_cases": request.form.get("max_open_cases"),
    }
    try:
        data = parse(CapacitySchema(), raw)
        rules_svc.set_capacity(
            db.session, current_user, data["user_id"], data.get("max_open_cases")
        )
    except DomainError as exc:
        only_form_errors(exc)
        flash(readable_message(exc, CapacitySchema()), "danger")
    else:
        flash("在办案件上限已保存", "success")
    return redirect(url_for("allocation.index"))


@bp.post("/settings/allocation/run")
def run():
    _allocators_only()
    result = svc.run_rules(db.session, current_user, today())
    message = f"已按规则分配 {len(result.given)} 件案件"
    if result.left:
        message += f"；{len(result.left)} 件未能分配（没有匹配的规则或催收员已满额）"
    flash(message, "success")
    return redirect(url_for("allocation.index"))
