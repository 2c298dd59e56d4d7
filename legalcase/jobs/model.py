"""The weekly retraining of the payment-propensity model (issue 18)."""

from __future__ import annotations

from datetime import date, datetime

from legalcase.services.audit import set_actor
from legalcase.services.clock import SHANGHAI
from legalcase.services.clock import today as clock_today
from legalcase.services.propensity import train

from . import job_kind


def _day(params: dict) -> date:
    if params.get("day"):
        return date.fromisoformat(params["day"])
    if params.get("slot"):
        return datetime.fromisoformat(params["slot"]).astimezone(SHANGHAI).date()
    return clock_today()


@job_kind("model.train", "训练回款倾向模型")
def model_train(ctx) -> dict:
    """One item: a run again after its worker died does not train a second version."""
    day = _day(ctx.params)
    for key in ctx.pending(["train"]):
        with ctx.item(key) as item:
            set_actor(item.session, None)
            row = train(item.session, day)
            item.result = {
                "version": row.version,
                "kind": row.kind,
                "auc": None if row.auc is None else str(row.auc),
                "snapshots": row.snapshots,
            }
    return ctx.items["train"].result or {"problem": ctx.items["train"].problem}
