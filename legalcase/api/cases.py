"""Cases: the portfolio, opening and editing, stage moves and history, the audit log."""

from __future__ import annotations

from flask import g, request

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import ValidationFailed
from legalcase.services import cases as case_svc
from legalcase.services import queries
from legalcase.services.clock import today

from . import body, bp, case_or_404, dumps


@bp.get("/cases")
@dumps(S.CaseList)
def list_cases():
    f, errors = S.portfolio_filter(request.args)
    page = S.int_arg(request.args, "page", 1, 1, 100_000, errors)
    per_page = S.int_arg(request.args, "per_page", 50, 1, 200, errors)
    if errors:
        raise ValidationFailed(errors)
    rows, total = case_svc.list_cases(db.session, f, today(), page, per_page)
    return {"items": rows, "total": total, "page": page, "per_page": per_page}


@bp.post("/cases")
@dumps(S.CaseOut, status=201)
def create_case():
    return case_svc.open_case(db.session, g.api_user, S.parse(S.CaseSchema(), body()))


@bp.get("/cases/<int:case_id>")
@dumps(S.CaseOut)
def get_case(case_id: int):
    return case_or_404(case_id)


@bp.patch("/cases/<int:case_id>")
@dumps(S.CaseOut)
def patch_case(case_id: int):
    case = case_or_404(case_id)
    raw = body()
    if "stage" in raw:
        raise ValidationFailed({"stage": "阶段请用 POST /cases/{id}/stage 变更"})
    data = S.parse(S.CaseSchema(), raw, partial=True)
    return case_svc.update_case(db.session, g.api_user, case, data)


@bp.post("/cases/<int:case_id>/stage")
@dumps(S.StageChangeOut, status=201)
def post_stage(case_id: int):
    case = case_or_404(case_id)
    data = S.parse(S.StageMoveSchema(), body())
    from legalcase.jobs.evidence import submit_legal_hold

    change = case_svc.move_stage(db.session, g.api_user, case, data["stage"], data["reason"])
    submit_legal_hold(db.session, g.api_user, change)  # the holds are placed by a job
    return change


@bp.get("/cases/<int:case_id>/stage-changes")
@dumps(S.StageChangeList)
def list_stage_changes(case_id: int):
    page = queries.case_page(db.session, case_id, today(), audit_limit=0)
    return {"items": page.stage_changes}


@bp.get("/cases/<int:case_id>/audit")
@dumps(S.AuditList)
def list_audit(case_id: int):
    return {"items": queries.case_page(db.session, case_id, today()).audit}
