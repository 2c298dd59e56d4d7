"""报表 → 回款倾向模型: which score is in use, its back-test on the held-out later period
(AUC, calibration by decile) and its weights; administrators retrain it here."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain import propensity as P
from legalcase.domain.roles import Role, require_admin
from legalcase.services import propensity as propensity_svc
from legalcase.services.clock import today

bp = Blueprint("model", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


@bp.get("/model")
def index():
    model, row = propensity_svc.current(db.session)
    deciles = json.loads(row.calibration) if row is not None else []
    weights = sorted(model.weights.items(), key=lambda kv: -abs(kv[1]))
    return render_template(
        "model.html",
        model=model,
        row=row,
        deciles=deciles,
        weights=[(P.FEATURES[n], n, w, model.reference.get(n, 0.0)) for n, w in weights],
        min_snapshots=P.MIN_SNAPSHOTS,
        min_each=P.MIN_EACH_OUTCOME,
        holdout_months=propensity_svc.HOLDOUT_MONTHS,
    )


@bp.post("/model/train")
def train():
    require_admin(Role(current_user.role))
    row = propensity_svc.train(db.session, today())
    flash(
        f"已训练第 {row.version} 版："
        + ("逻辑回归模型" if row.kind == "logistic" else "历史数据不足，使用透明规则"),
        "success",
    )
    return redirect(url_for("model.index"))
