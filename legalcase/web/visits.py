"""上门催收 (issue 17 point 4): plan a visit, its printable pack (page and PDF), the visit
recorded, photos and the signed commitment uploaded."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, can_change_case
from legalcase.domain.values import OUTCOMES, VISIT_ROLES, VISIT_STATUSES
from legalcase.models import Case, Visit
from legalcase.schemas import parse
from legalcase.schemas.visits import VisitPhotoSchema, VisitPlanSchema, VisitRecordSchema
from legalcase.services import visits as svc
from legalcase.services.clock import SHANGHAI, today
from legalcase.services.common import get_or_404
from legalcase.services.visit_pack import build_pack, pack_pdf

from .cases import _guard
from .downloads import named
from .forms import form_page, only_form_errors

bp = Blueprint("visits", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _visit(visit_id: int) -> tuple[Visit, Case]:
    visit = get_or_404(db.session, Visit, visit_id, "走访")
    return visit, get_or_404(db.session, Case, visit.case_id, "案件")


@bp.get("/cases/<int:case_id>/visits")
def index(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    return render_template(
        "visits.html",
        case=case,
        visits=svc.case_visits(db.session, case),
        statuses=VISIT_STATUSES,
        outcomes=OUTCOMES,
        can_edit=can_change_case(Role(current_user.role), current_user.id, case.owner_id),
    )


@bp.route("/cases/<int:case_id>/visits/new", methods=["GET", "POST"])
def new_visit(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    _guard(case)

    def save(data):
        members = [{"user_id": data["lead_id"], "role": "lead"}]
        if data.get("lawyer_id"):
            members.append({"user_id": data["lawyer_id"], "role": "lawyer"})
        members += [{"user_id": u, "role": "recorder"} for u in data.get("member_ids") or []]
        visit = svc.plan_visit(
            db.session,
            current_user,
            case,
            {
                "planned_date": data["planned_date"],
                "purpose": data.get("purpose"),
                "members": members,
            },
        )
        return url_for("visits.show", visit_id=visit.id)

    users = svc.team_choices(db.session)
    return form_page(
        VisitPlanSchema(),
        f"安排上门催收：{case.debtor.name}",
        save,
        initial={"planned_date": today().isoformat(), "lead_id": current_user.id},
        choices={"lead_id": users, "lawyer_id": users, "member_ids": users},
        cancel_url=url_for("visits.index", case_id=case.id),
        success="走访已安排，请打印上门材料",
    )


def _page(visit: Visit, case: Case, errors: dict | None = None, message: str | None = None):
    day = today()
    return render_template(
        "visit.html",
        case=case,
        visit=visit,
        pack=build_pack(db.session, case, visit, day),
        roles=VISIT_ROLES,
        statuses=VISIT_STATUSES,
        outcomes=OUTCOMES,
        now=datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        errors=errors or {},
        message=message,
        can_edit=can_change_case(Role(current_user.role), current_user.id, case.owner_id),
    ), (422 if errors or message else 200)


@bp.get("/visits/<int:visit_id>")
def show(visit_id: int):
    visit, case = _visit(visit_id)
    return _page(visit, case)


@bp.get("/visits/<int:visit_id>/pack.pdf")
def pack(visit_id: int):
    visit, case = _visit(visit_id)
    data = pack_pdf(build_pack(db.session, case, visit, today()))
    name = f"上门催收材料_{case.debtor.name}_{visit.planned_date:%Y%m%d}.pdf"
    return named(
        Response(data, mimetype="application/pdf"),
        name,
        inline=True,
        fallback=f"visit-pack-{visit.id}-{visit.planned_date:%Y%m%d}.pdf",
    )


@bp.route("/visits/<int:visit_id>/record", methods=["GET", "POST"])
def record(visit_id: int):
    visit, case = _visit(visit_id)
    _guard(case)

    def save(data):
        svc.record_visit(db.session, current_user, visit, data)
        return url_for("visits.show", visit_id=visit.id)

    place = case.debtor.actual_address or case.debtor.registered_address or ""
    return form_page(
        VisitRecordSchema(),
        "记录走访情况",
        save,
        initial={
            "visited_at": datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "place": place,
            "outcome": "reached",
            "legal_effect": "demand",
            "member_ids": [m.user_id for m in visit.members],
        },
        choices={"member_ids": svc.team_choices(db.session)},
        cancel_url=url_for("visits.show", visit_id=visit.id),
        success="走访已记录（已记入催收台账）",
    )


def _upload_args() -> dict:
    return {
        "tmp_dir": current_app.config["UPLOAD_TMP"],
        "max_bytes": current_app.config["EVIDENCE_MAX_MB"] * 2**20,
    }


@bp.post("/visits/<int:visit_id>/photos")
def photo(visit_id: int):
    visit, case = _visit(visit_id)
    _guard(case)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise DomainError("no_file", "请选择照片", {"file": "请选择文件"})
        meta = parse(VisitPhotoSchema(), {k: request.form.get(k) for k in ("taken_at", "place")})
        svc.add_photo(
            db.session,
            db.storage,
            current_user,
            visit,
            upload.stream,
            upload.filename,
            meta["taken_at"],
            meta["place"],
            **_upload_args(),
        )
    except DomainError as exc:
        only_form_errors(exc)
        return _page(visit, case, exc.fields, exc.message)
    flash("照片已作为证据保存（含拍摄时间和地点）", "success")
    return redirect(url_for("visits.show", visit_id=visit.id))


@bp.post("/visits/<int:visit_id>/commitment")
def commitment(visit_id: int):
    visit, case = _visit(visit_id)
    _guard(case)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise DomainError("no_file", "请选择已签署的还款承诺书", {"file": "请选择文件"})
        svc.upload_commitment(
            db.session,
            db.storage,
            current_user,
            visit,
            upload.stream,
            upload.filename,
            **_upload_args(),
        )
    except DomainError as exc:
        only_form_errors(exc)
        return _page(visit, case, exc.fields, exc.message)
    flash("还款承诺书已保存为证据；本次走访记为债务人同意履行，诉讼时效重新计算", "success")
    return redirect(url_for("visits.show", visit_id=visit.id))
