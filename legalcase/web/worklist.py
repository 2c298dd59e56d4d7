"""工作台 → 今日催收: a collector's cases ranked by expected recovery; logging a call from the
list (the ledger entry form) moves on to the next case. Also the dashboard's early warning."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import PermissionDenied
from legalcase.domain.roles import Role, require_case_change
from legalcase.models import Case
from legalcase.services import ledger as ledger_svc
from legalcase.services import propensity as propensity_svc
from legalcase.services import queries
from legalcase.services import worklist as worklist_svc
from legalcase.services.clock import SHANGHAI, today
from legalcase.services.common import get_or_404

from .forms import form_page

bp = Blueprint("worklist", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def assignee_of(raw: str | None) -> int:
    """Whose list: one's own by default; a collector sees only their own."""
    if not raw:
        return current_user.id
    if not raw.isdigit() or int(raw) > 2**31 - 1:
        abort(404)
    wanted = int(raw)
    if wanted != current_user.id and current_user.role == Role.COLLECTOR.value:
        raise PermissionDenied("催收专员只能查看自己的催收清单")
    return wanted


@bp.get("/worklist")
def index():
    assignee = assignee_of(request.args.get("assignee"))
    items = worklist_svc.worklist(db.session, assignee, today())
    wanted = request.args.get("current", type=int)
    current = next((w for w in items if w.case_id == wanted), None) or worklist_svc.next_case(
        items, None
    )
    model, row = propensity_svc.current(db.session)
    return render_template(
        "worklist.html",
        items=items,
        assignee=assignee,
        current=current,
        model_kind=model.kind,
        model_row=row,
        people=queries.choices_users(db.session),
        today=today(),
    )


@bp.route("/worklist/<int:case_id>/call", methods=["GET", "POST"])
def call(case_id: int):
    """The ledger entry form for a case on the list; saved, on to the next case."""
    case = get_or_404(db.session, Case, case_id, "案件")
    require_case_change(Role(current_user.role), current_user.id, case.owner_id)
    assignee = assignee_of(request.args.get("assignee"))
    # the order as the collector saw it, before this call changes the case's score
    following = worklist_svc.next_case(
        worklist_svc.worklist(db.session, assignee, today()), case_id
    )

    def save(data):
        ledger_svc.record_contact(db.session, current_user, case, data)
        args = {"assignee": assignee}
        if following is not None:
            args["current"] = following.case_id
        return url_for("worklist.index", **args) + (
            f"#case-{following.case_id}" if following else ""
        )

    choices = {
        "contact_id": {
            c.id: f"{c.name}（{S.RELATIONS.get(c.relation, c.relation)}）"
            for c in case.debtor.contacts
        },
        "receivable_ids": {
            r.id: f"发票 {r.invoice_no}（到期 {r.due_date}）" for r in case.receivables
        },
    }
    return form_page(
        S.LedgerSchema(),
        f"记录通话：{case.title}",
        save,
        initial={
            "contacted_at": datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "channel": "call",
            "outcome": "reached",
        },
        choices=choices,
        cancel_url=url_for("worklist.index", assignee=assignee),
        success="催收记录已保存，下一个案件",
    )


@bp.app_template_global("early_warnings")
def early_warnings() -> list:
    """Receivables likely to fall overdue (the dashboard's early warning): a collector's
    own cases, everyone's for the others; kept for a few minutes (see ``cached``)."""
    mine = current_user.id if current_user.role == Role.COLLECTOR.value else None
    return cached(
        ("warnings", mine), lambda: worklist_svc.early_warnings(db.session, today(), owner_id=mine)
    )


CACHE_SECONDS = 600
_cache: dict = {}


def cached(key: tuple, compute):
    """What the dashboard shows of the whole portfolio (early warning, KPI trends), kept per
    process for ``CACHE_SECONDS`` per creditor scope and day: computed from every case's
    history, too slow to redo on every visit of the home page of a large installation."""
    import time

    from legalcase.services.scope import SCOPE_KEY

    scope = db.session.info.get(SCOPE_KEY)
    app = id(current_app._get_current_object())
    full = (app, *key, today(), None if scope is None else tuple(sorted(scope)))
    hit = _cache.get(full)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    value = compute()
    if len(_cache) > 256:
        _cache.clear()
    _cache[full] = (time.monotonic() + CACHE_SECONDS, value)
    return value
