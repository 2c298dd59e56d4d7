"""财产登记 (issue 17 point 5): the debtor side's assets and leads, freezes, enforcement."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.case_deadlines import KIND_LABELS, STATUS_LABELS
from legalcase.domain.roles import Role, can_change_case
from legalcase.domain.stages import BEFORE_SUIT, Stage
from legalcase.domain.values import ASSET_LEAD_KINDS, ENFORCEMENT_OUTCOME_KINDS
from legalcase.models import Asset, AssetFreeze, Case
from legalcase.schemas import dump_fields
from legalcase.schemas.assets import AssetSchema, FreezeSchema, OutcomeSchema
from legalcase.services import assets as svc
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from .cases import _guard
from .forms import form_page

bp = Blueprint("assets", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _case(case_id: int) -> Case:
    return get_or_404(db.session, Case, case_id, "案件")


def _back(case_id: int) -> str:
    return url_for("assets.index", case_id=case_id)


def _parties(case: Case) -> dict:
    return {
        p.id: f"{p.name}（{'债务人' if p.id == case.debtor_id else '保证人'}）"
        for p in svc.case_parties(db.session, case)
    }


@bp.get("/cases/<int:case_id>/assets")
def index(case_id: int):
    case = _case(case_id)
    return render_template(
        "assets.html",
        case=case,
        register=svc.register(db.session, case),
        kinds=ASSET_LEAD_KINDS,
        outcome_kinds=ENFORCEMENT_OUTCOME_KINDS,
        deadline_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        today=today(),
        can_edit=can_change_case(Role(current_user.role), current_user.id, case.owner_id),
    )


@bp.route("/cases/<int:case_id>/assets/new", methods=["GET", "POST"])
def new_asset(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        svc.add_asset(db.session, current_user, case, data)
        return _back(case.id)

    return form_page(
        AssetSchema(),
        f"登记财产线索：{case.debtor.name}",
        save,
        initial={"party_id": case.debtor_id, "found_date": today().isoformat()},
        choices={"party_id": _parties(case)},
        cancel_url=_back(case.id),
        success="财产线索已登记",
    )


@bp.route("/assets/<int:asset_id>/edit", methods=["GET", "POST"])
def edit_asset(asset_id: int):
    asset = get_or_404(db.session, Asset, asset_id, "财产")
    case = _case(asset.case_id)
    _guard(case)

    def save(data):
        svc.update_asset(db.session, current_user, asset, data)
        return _back(case.id)

    return form_page(
        AssetSchema(),
        "更正财产线索",
        save,
        initial=dump_fields(AssetSchema(), asset),
        choices={"party_id": _parties(case)},
        cancel_url=_back(case.id),
    )


def _unchecked_is_no(raw: dict) -> dict:
    """An unchecked box sends nothing: on the form that means 诉中 (not pre-suit)."""
    raw.setdefault("is_pre_suit", "false")
    return raw


@bp.route("/assets/<int:asset_id>/freeze", methods=["GET", "POST"])
def new_freeze(asset_id: int):
    asset = get_or_404(db.session, Asset, asset_id, "财产")
    case = _case(asset.case_id)
    _guard(case)

    def save(data):
        svc.record_freeze(db.session, current_user, asset, data)
        return _back(case.id)

    return form_page(
        FreezeSchema(),
        f"登记保全（冻结/查封）：{asset.description}",
        save,
        initial={
            "court_name": case.court or case.forum_name or "",
            "is_pre_suit": Stage(case.stage) in BEFORE_SUIT,
        },
        cancel_url=_back(case.id),
        success="保全已登记，保全届满及续保期限已重新计算",
        raw_hook=_unchecked_is_no,
    )


@bp.route("/freezes/<int:freeze_id>/edit", methods=["GET", "POST"])
def edit_freeze(freeze_id: int):
    freeze = get_or_404(db.session, AssetFreeze, freeze_id, "保全")
    case = _case(freeze.case_id)
    _guard(case)
    event = freeze.court_event

    def save(data):
        svc.update_freeze(db.session, current_user, freeze, data)
        return _back(case.id)

    initial = dump_fields(FreezeSchema(), event)
    initial["frozen_amount"] = f"{freeze.frozen_amount:.2f}" if freeze.frozen_amount else ""
    return form_page(
        FreezeSchema(),
        "更正或续行保全",
        save,
        initial=initial,
        cancel_url=_back(case.id),
        success="已更正，期限已重新计算",
        raw_hook=_unchecked_is_no,
    )


@bp.route("/cases/<int:case_id>/enforcement/new", methods=["GET", "POST"])
def new_outcome(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        svc.record_outcome(db.session, current_user, case, data)
        return _back(case.id)

    assets = {
        a.asset.id: f"{ASSET_LEAD_KINDS.get(a.asset.kind)}：{a.asset.description}"
        for p in svc.register(db.session, case)
        for a in p.assets
    }
    return form_page(
        OutcomeSchema(),
        "登记执行结果",
        save,
        initial={"party_id": case.debtor_id, "kind": "received", "court_name": case.court or ""},
        choices={"party_id": _parties(case), "asset_id": assets},
        cancel_url=_back(case.id),
        success="执行结果已登记",
    )
