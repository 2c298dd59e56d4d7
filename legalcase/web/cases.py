from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.case_deadlines import KIND_LABELS
from legalcase.domain.errors import DomainError
from legalcase.domain.money import format_money
from legalcase.domain.roles import Role, can_change_case, require_case_change, require_writer
from legalcase.domain.stages import STAGE_LABELS, Stage, allowed_moves
from legalcase.models import (
    Case,
    CaseDeadline,
    Contract,
    CourtEvent,
    LedgerEntry,
    Payment,
    Receivable,
)
from legalcase.services import cases as case_svc
from legalcase.services import claims, queries
from legalcase.services import court as court_svc
from legalcase.services import deadlines as deadline_svc
from legalcase.services import ledger as ledger_svc
from legalcase.services import receivables as recv_svc
from legalcase.services.clock import SHANGHAI, today
from legalcase.services.common import get_or_404
from legalcase.services.promises import effective_status

from .forms import form_page, instalment_lines

bp = Blueprint("cases", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _case(case_id: int) -> Case:
    return get_or_404(db.session, Case, case_id, "案件")


def _guard(case: Case) -> None:
    require_case_change(Role(current_user.role), current_user.id, case.owner_id)


def _to_case(case_id: int, tab: str) -> str:
    return url_for("cases.show", case_id=case_id, tab=tab)


@bp.get("/")
def dashboard():
    from legalcase.services.ladder import open_tasks

    board = queries.dashboard(db.session, current_user, today())
    tasks = open_tasks(db.session, user_id=current_user.id)
    titles = queries.case_titles(
        db.session,
        {p.case_id for p in board.promises_due + board.broken_promises}
        | {t.case_id for t in tasks},
    )
    return render_template("dashboard.html", board=board, titles=titles, today=today(), tasks=tasks)


@bp.get("/cases")
def portfolio():
    f, errors = S.portfolio_filter(request.args)
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    per_page = current_app.config["PAGE_SIZE"]
    rows, total = case_svc.list_cases(db.session, f, today(), page, per_page)
    return render_template(
        "portfolio.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // per_page)),
        f=f,
        errors=errors,
        owners=queries.choices_users(db.session),
        creditors=queries.choices_creditors(db.session),
        today=today(),
    )


@bp.route("/cases/new", methods=["GET", "POST"])
def new_case():
    require_writer(Role(current_user.role))
    debtor_id = request.args.get("debtor_id", type=int)

    def save(data):
        case = case_svc.open_case(db.session, current_user, data)
        return url_for("cases.show", case_id=case.id)

    initial = {"risk_level": "medium", "currency": "CNY", "owner_id": str(current_user.id)}
    if debtor_id:
        initial["debtor_id"] = str(debtor_id)
    return form_page(
        S.CaseSchema(),
        "新建案件",
        save,
        initial=initial,
        choices=_case_choices(debtor_id),
        success="案件已创建",
    )


def _case_choices(debtor_id: int | None) -> dict:
    return {
        "creditor_id": queries.choices_creditors(db.session),
        "debtor_id": queries.choices_parties(db.session, include=[debtor_id]),
        "owner_id": queries.choices_users(db.session),
    }


@bp.get("/cases/<int:case_id>")
def show(case_id: int):
    page = queries.case_page(db.session, case_id, today())
    case = page.case
    try:
        claim, claim_error = (
            claims.claim_for_case(db.session, case, page.today, page.receivables, page.payments),
            None,
        )
    except DomainError as exc:  # e.g. a default before the LPR existed and no agreed rate
        claim, claim_error = None, exc.message
    return render_template(
        "case.html",
        p=page,
        ledger_rows=_ledger_rows(page),
        claim=claim,
        claim_error=claim_error,
        case=case,
        tab=request.args.get("tab", "overview"),
        can_edit=can_change_case(Role(current_user.role), current_user.id, case.owner_id),
        moves=sorted(allowed_moves(Stage(case.stage))),
        promise_status=lambda pr: effective_status(pr, page.today),
        oldest_due=recv_svc.receivable_oldest_due,
        timedelta=timedelta,
    )


def _ledger_rows(page: queries.CasePage) -> list[dict]:
    """Display values for the ledger, prepared here: a case may have hundreds of entries."""
    cur = page.case.currency
    edit = url_for("cases.edit_ledger_entry", entry_id=0).replace("/0/", "/{}/")
    rows = []
    for e in page.ledger:
        effect = S.LEGAL_EFFECT_SHORT.get(e.legal_effect, "")
        if e.legal_effect == "demand":
            who = "保证人" if e.addressee == "guarantor" else "债务人"
            effect = f"向{who}催告，" + (
                f"{e.arrival_date}送达" if e.arrival_date else "送达日未知"
            )
        promises = "".join(
            f"（承诺 {pr.due_date} 前付 {format_money(pr.amount, cur)}）"
            for pr in page.promises_by_entry.get(e.id, ())
        )
        rows.append(
            {
                "at": e.contacted_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "channel": S.CHANNELS.get(e.channel, ""),
                "who": e.contact_name or e.person_reached or "",
                "summary": e.summary,
                "outcome": S.OUTCOMES.get(e.outcome, ""),
                "promises": promises,
                "effect": effect,
                "reason": S.NON_PAYMENT_REASONS.get(e.non_payment_reason, ""),
                "user": e.user_name,
                "edit_url": edit.format(e.id),
            }
        )
    return rows


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def edit_case(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        case_svc.update_case(db.session, current_user, case, data)
        return url_for("cases.show", case_id=case.id)

    return form_page(
        S.CaseSchema(),
        f"编辑案件：{case.title}",
        save,
        initial=S.dump_fields(S.CaseSchema(), case),
        choices=_case_choices(case.debtor_id),
    )


@bp.route("/cases/<int:case_id>/stage", methods=["GET", "POST"])
def move_stage(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        case_svc.move_stage(
            db.session,
            current_user,
            case,
            data["stage"],
            data["reason"],
            db.storage,
        )
        return _to_case(case.id, "stage")

    moves = allowed_moves(Stage(case.stage))
    return form_page(
        S.StageMoveSchema(),
        f"变更阶段（当前：{STAGE_LABELS[Stage(case.stage)]}）",
        save,
        choices={"stage": {s.value: STAGE_LABELS[s] for s in sorted(moves)}},
        success="阶段已变更",
    )


def _contract_choices(case: Case, current: int | None = None) -> dict:
    return {"guarantor_id": queries.choices_parties(db.session, include=[current])}


@bp.route("/cases/<int:case_id>/contracts/new", methods=["GET", "POST"])
def new_contract(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        recv_svc.add_contract(db.session, current_user, case, data)
        return _to_case(case.id, "overview")

    initial = {
        "currency": case.currency,
        "governing_law": "CN",
        "dispute_resolution": "court",
        "guarantee_type": "none",
        "late_fee_type": "none",
        "kind": "sale",
    }
    return form_page(
        S.ContractSchema(), "新增合同", save, initial=initial, choices=_contract_choices(case)
    )


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
def edit_contract(contract_id: int):
    contract = get_or_404(db.session, Contract, contract_id, "合同")
    _guard(contract.case)

    def save(data):
        recv_svc.update_contract(db.session, current_user, contract, data)
        return _to_case(contract.case_id, "overview")

    return form_page(
        S.ContractSchema(),
        f"编辑合同 {contract.number}",
        save,
        initial=S.dump_fields(S.ContractSchema(), contract),
        choices=_contract_choices(contract.case, contract.guarantor_id),
    )


def _receivable_raw(raw: dict) -> dict:
    raw["instalments"] = instalment_lines(raw.get("instalments"))
    return raw


def _contracts_of(case: Case) -> dict:
    return {"contract_id": {c.id: c.number for c in case.contracts}}


@bp.route("/cases/<int:case_id>/receivables/new", methods=["GET", "POST"])
def new_receivable(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        recv_svc.add_receivable(db.session, current_user, case, data)
        return _to_case(case.id, "money")

    return form_page(
        S.ReceivableSchema(),
        "新增应收款",
        save,
        initial={"currency": case.currency},
        choices=_contracts_of(case),
        raw_hook=_receivable_raw,
    )


@bp.route("/receivables/<int:receivable_id>/edit", methods=["GET", "POST"])
def edit_receivable(receivable_id: int):
    r = get_or_404(db.session, Receivable, receivable_id, "应收款")
    _guard(r.case)

    def save(data):
        recv_svc.update_receivable(db.session, current_user, r, data)
        return _to_case(r.case_id, "money")

    initial = S.dump_fields(S.ReceivableSchema(), r)
    initial["instalments"] = "\n".join(f"{i.due_date} {i.amount:.2f}" for i in r.instalments)
    return form_page(
        S.ReceivableSchema(),
        f"编辑应收款 {r.invoice_no}",
        save,
        initial=initial,
        choices=_contracts_of(r.case),
        raw_hook=_receivable_raw,
    )


@bp.route("/cases/<int:case_id>/payments/new", methods=["GET", "POST"])
def new_payment(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        recv_svc.record_payment(db.session, current_user, case, data, today=today())
        return _to_case(case.id, "money")

    open_items = {
        r.id: f"{r.invoice_no}（尚欠 {r.outstanding:,.2f}）"
        for r in case.receivables
        if r.outstanding > 0
    }
    return form_page(
        S.PaymentSchema(),
        "登记回款",
        save,
        initial={"currency": case.currency, "paid_date": str(today()), "method": "bank"},
        choices={"receivable_id": open_items},
    )


@bp.route("/payments/<int:payment_id>/edit", methods=["GET", "POST"])
def edit_payment(payment_id: int):
    payment = get_or_404(db.session, Payment, payment_id, "回款")
    case = _case(payment.case_id)
    _guard(case)

    def save(data):
        recv_svc.update_payment(db.session, current_user, payment, data, today=today())
        return _to_case(case.id, "money")

    initial = S.dump_fields(S.PaymentSchema(), payment)
    if len(payment.allocations) == 1:
        initial["receivable_id"] = str(payment.allocations[0].receivable_id)
    return form_page(
        S.PaymentSchema(),
        f"更正回款（{payment.paid_date}）",
        save,
        initial=initial,
        choices={"receivable_id": {r.id: r.invoice_no for r in case.receivables}},
        success="回款已更正，冲抵已重新计算",
    )


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
    fields = [f for f in S.LedgerSchema().fields if not f.startswith("promise_")]
    return form_page(
        S.LedgerSchema(),
        "更正催收记录",
        save,
        initial=initial,
        fields=fields,
        choices={"contact_id": _contact_choices(case)},
    )


def _contact_choices(case: Case) -> dict:
    return {
        c.id: f"{c.name}（{S.RELATIONS.get(c.relation, c.relation)}）" for c in case.debtor.contacts
    }


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
        choices={"contact_id": _contact_choices(case)},
        success="催收记录已保存",
    )
