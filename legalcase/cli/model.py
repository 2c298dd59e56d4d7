"""legalcase model train | show: the payment-propensity model (issue 18)."""

from __future__ import annotations

from datetime import date

import click

from .common import unit_of_work
from .main import main


@main.group()
def model() -> None:
    """The payment-propensity model."""


@model.command("train")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="history up to this day")
def train(as_of) -> None:
    """Train on the installation's history and store the next version (run monthly)."""
    from legalcase.services.audit import set_actor
    from legalcase.services.clock import today
    from legalcase.services.propensity import train as train_model

    day: date = as_of.date() if as_of else today()
    with unit_of_work() as uow:
        set_actor(uow.session, None)
        row = train_model(uow.session, day)
        version, kind, auc, n = row.version, row.kind, row.auc, row.snapshots
    what = "逻辑回归模型" if kind == "logistic" else "透明规则（历史数据不足）"
    click.echo(
        f"第 {version} 版：{what}；快照 {n} 个；留出期 AUC {auc if auc is not None else '—'}"
    )
