"""The case's collection ledger, court events and deadlines."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_login import current_user

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.case_deadlines import KIND_LABELS
from legalcase.models import (
    Case,
    CaseDeadline,
    CourtEvent,
    LedgerEntry,
)
from legalcase.services import court as court_svc
from legalcase.services import deadlines as deadline_svc
from legalcase.services import ledger as ledger_svc
from legalcase.services.clock import SHANGHAI
from legalcase.services.common import get_or_404

from .cases import _case, _guard, _to_case, bp
from .forms import form_page


@bp.route("/ledger/<int:entry_id>/edit", methods=["GET", "POST"])
def edit_ledger_entry(entry_id: int):
    entry = get_or_404(db.session, LedgerEntry, entry_id, "催收记录")
    case = _case(entry.case_id)
    _guard(case)

    def save(data):
        ledger_svc.update_contact_record(db.session, current_user, entry, data)
        return _to_case(case.id, "ledger")

    initial = S.dump_fields(S.LedgerSchema(), entry)
    initial["contacted_at"] = entry.contacted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    initial["receivable_ids"] = entry.receivable_ids
    fields = [f for f in S.LedgerSchema().fields if not f.startswith("promise_")]
    return form_page(
        S.LedgerSchema(),
        "更正催收记录",
        save,
        initial=initial,
        fields=fields,
        choices={"contact_id": _contact_choices(case), "receivable_ids": _receivable_choices(case)},
    )


def _receivable_choices(case: Case) -> dict:
    return {r.id: f"发票 {r.invoice_no}（到期 {r.due_date}）" for r in case.receivables}


def _contact_choices(case: Case) -> dict:
    """The debtor's contacts, then each guarantor's (a demand on one guarantor names it)."""
    out = {
        c.id: f"{c.name}（{S.RELATIONS.get(c.relation, c.relation)}）" for c in case.debtor.contacts
    }
    for contract in case.contracts:
        for g in contract.guarantees:
            for c in g.party.contacts:
                out.setdefault(c.id, f"{c.name}（保证人{g.party.name}）")
    return out


@bp.route("/cases/<int:case_id>/court-events/new", methods=["GET", "POST"])
def new_court_event(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        court_svc.add_court_event(db.session, current_user, case, data)
        return _to_case(case.id, "deadlines")

    return form_page(
        S.CourtEventSchema(),
        "登记诉讼/执行事件",
        save,
        initial={"kind": request.args.get("kind", "filing"), "court_name": case.forum_name or ""},
        success="已登记，期限已重新计算",
    )


@bp.route("/court-events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_court_event(event_id: int):
    event = get_or_404(db.session, CourtEvent, event_id, "诉讼事件")
    case = _case(event.case_id)
    _guard(case)

    def save(data):
        court_svc.update_court_event(db.session, current_user, event, data)
        return _to_case(case.id, "deadlines")

    return form_page(
        S.CourtEventSchema(),
        "更正诉讼/执行事件",
        save,
        initial=S.dump_fields(S.CourtEventSchema(), event),
        success="已更正，期限已重新计算",
    )


@bp.route("/deadlines/<int:deadline_id>/handled", methods=["GET", "POST"])
def mark_deadline_handled(deadline_id: int):
    row = get_or_404(db.session, CaseDeadline, deadline_id, "期限")
    case = _case(row.case_id)
    _guard(case)

    def save(data):
        deadline_svc.mark_handled(db.session, current_user, row.id, data["note"])
        return _to_case(case.id, "deadlines")

    label = KIND_LABELS.get(row.kind, row.kind)
    return form_page(
        S.HandledSchema(),
        f"标记已处理：{label} {row.due_date or ''}",
        save,
        success="已标记为已处理",
    )


@bp.route("/cases/<int:case_id>/ledger/new", methods=["GET", "POST"])
def new_ledger_entry(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        ledger_svc.record_contact(db.session, current_user, case, data)
        return _to_case(case.id, "ledger")

    return form_page(
        S.LedgerSchema(),
        "记录催收",
        save,
        initial={
            "contacted_at": datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "channel": "call",
            "outcome": "reached",
        },
        choices={"contact_id": _contact_choices(case), "receivable_ids": _receivable_choices(case)},
        success="催收记录已保存",
    )
