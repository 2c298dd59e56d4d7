"""Repayment plans of a case: GET lists them with each instalment's status, POST records one."""

from __future__ import annotations

from flask import g

from legalcase.db import db
from legalcase.schemas import parse
from legalcase.schemas.plans import PlanCancelSchema, PlanList, PlanOut, PlanSchema
from legalcase.services import plan_cancel
from legalcase.services import plans as plan_svc

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/plans")
@dumps(PlanList)
def list_plans(case_id: int):
    case = case_or_404(case_id)
    return {"items": [v.to_json() for v in plan_svc.case_plans(db.session, case.id)]}


@bp.post("/cases/<int:case_id>/plans")
@dumps(PlanOut, status=201)
def create_plan(case_id: int):
    case = case_or_404(case_id)
    data = parse(PlanSchema(), body())
    plan = plan_svc.create_plan(db.session, g.api_user, case, data)
    [view] = [v for v in plan_svc.case_plans(db.session, case.id) if v.plan.id == plan.id]
    return view.to_json()


@bp.post("/plans/<int:plan_id>/cancel")
@dumps(PlanOut)
def cancel_plan(plan_id: int):
    data = parse(PlanCancelSchema(), body())
    plan = plan_cancel.cancel_plan(db.session, g.api_user, plan_id, data["reason"])
    [view] = [v for v in plan_svc.case_plans(db.session, plan.case_id) if v.plan.id == plan.id]
    return view.to_json()
