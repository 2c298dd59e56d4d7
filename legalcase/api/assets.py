"""The asset register of a case (issue 17 point 5): GET by party; POST an asset, a freeze
(a preservation court event: the deadlines follow), an enforcement outcome (money received is
a payment of the case)."""

from __future__ import annotations

from flask import g

from legalcase.db import db
from legalcase.models import Asset
from legalcase.schemas import parse
from legalcase.schemas.assets import (
    AssetOut,
    AssetSchema,
    FreezeOut,
    FreezeSchema,
    OutcomeOut,
    OutcomeSchema,
    RegisterOut,
)
from legalcase.services import assets as svc
from legalcase.services.common import get_or_404

from . import body, bp, case_or_404, dumps


def _freeze(view: svc.FreezeView) -> dict:
    e = view.event
    return {
        "id": view.freeze.id,
        "court_event_id": e.id,
        "court_name": e.court_name,
        "document_number": e.document_number,
        "event_date": e.event_date,
        "expires_date": e.expires_date,
        "is_pre_suit": e.is_pre_suit,
        "frozen_amount": view.freeze.frozen_amount,
        "deadlines": [
            {"kind": d.kind, "due_date": d.due_date, "status": d.status} for d in view.deadlines
        ],
    }


def _asset(view: svc.AssetView) -> dict:
    return {
        **{name: getattr(view.asset, name) for name in svc.ASSET_FIELDS},
        "id": view.asset.id,
        "freezes": [_freeze(f) for f in view.freezes],
    }


@bp.get("/cases/<int:case_id>/assets")
@dumps(RegisterOut)
def list_assets(case_id: int):
    case = case_or_404(case_id)
    return {
        "items": [
            {
                "party_id": p.party.id,
                "name": p.party.name,
                "role": p.role,
                "assets": [_asset(a) for a in p.assets],
                "outcomes": p.outcomes,
            }
            for p in svc.register(db.session, case)
        ]
    }


@bp.post("/cases/<int:case_id>/assets")
@dumps(AssetOut, status=201)
def create_asset(case_id: int):
    case = case_or_404(case_id)
    asset = svc.add_asset(db.session, g.api_user, case, parse(AssetSchema(), body()))
    return _asset(svc.AssetView(asset))


@bp.post("/assets/<int:asset_id>/freezes")
@dumps(FreezeOut, status=201)
def create_freeze(asset_id: int):
    asset = get_or_404(db.session, Asset, asset_id, "财产")
    case_or_404(asset.case_id)
    freeze = svc.record_freeze(db.session, g.api_user, asset, parse(FreezeSchema(), body()))
    [view] = [
        f
        for p in svc.register(db.session, asset_case(asset))
        for a in p.assets
        for f in a.freezes
        if f.freeze.id == freeze.id
    ]
    return _freeze(view)


def asset_case(asset: Asset):
    return case_or_404(asset.case_id)


@bp.post("/cases/<int:case_id>/enforcement-outcomes")
@dumps(OutcomeOut, status=201)
def create_outcome(case_id: int):
    case = case_or_404(case_id)
    return svc.record_outcome(db.session, g.api_user, case, parse(OutcomeSchema(), body()))
