from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.money import format_money
from legalcase.domain.roles import Role, can_change_case, require_case_change, require_writer
from legalcase.domain.stages import STAGE_LABELS, Stage, allowed_moves
from legalcase.models import (
    Case,
)
from legalcase.services import cases as case_svc
from legalcase.services import claims, evidence, queries
from legalcase.services import receivables as recv_svc
from legalcase.services.case_panels import case_panels
from legalcase.services.clock import SHANGHAI, today
from legalcase.services.common import get_or_404
from legalcase.services.promises import effective_status

from .forms import form_page

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
    initial["allocation"] = "booked"  # RULES.md s.6: the default
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
    panels = case_panels(db.session, page)  # 异议, 还款计划, 减免, 诉前调解
    try:
        claim, claim_error = (
            claims.claim_for_case(
                db.session,
                case,
                page.today,
                page.receivables,
                page.payments,
                page.court_events,
                waived=panels.approved,
            ),
            None,
        )
    except DomainError as exc:  # e.g. a default before the LPR existed and no agreed rate
        claim, claim_error = None, exc.message
    can_edit = can_change_case(Role(current_user.role), current_user.id, case.owner_id)
    return render_template(
        "case.html",
        p=page,
        ledger_rows=_ledger_rows(page, evidence.proofs_by_entry(db.session, case, page.ledger)),
        claim=claim,
        claim_error=claim_error,
        case=case,
        panels=panels,
        tab=request.args.get("tab", "overview"),
        can_edit=can_edit,
        moves=sorted(allowed_moves(Stage(case.stage))),
        promise_status=lambda pr: effective_status(pr, page.today),
        oldest_due=recv_svc.receivable_oldest_due,
        timedelta=timedelta,
    )


def _ledger_rows(page: queries.CasePage, proofs: dict | None = None) -> list[dict]:
    """Display values for the ledger, prepared here: a case may have hundreds of entries.
    ``proofs``: the evidence linked to each entry with a legal effect (demand, acknowledgment);
    such an entry is "已有证据" when linked evidence proves it, else "仅有记录"."""
    proofs = proofs or {}
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
                "who": _who(e),
                "summary": e.summary,
                "outcome": S.OUTCOMES.get(e.outcome, ""),
                "promises": promises
                + (f"（下次跟进 {e.next_follow_up}）" if e.next_follow_up else ""),
                "effect": effect,
                "reason": S.NON_PAYMENT_REASONS.get(e.non_payment_reason, ""),
                "user": e.user_name,
                "edit_url": edit.format(e.id),
                "id": e.id,
                "proof": proofs.get(e.id),
            }
        )
    return rows


def _who(e) -> str:
    """The person reached as entered; the chosen contact beside it when it is someone else."""
    person, contact = e.person_reached or "", e.contact_name or ""
    if person and contact and contact != person:
        return f"{person}（联系人：{contact}）"
    return person or contact


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
        choices=_case_choices(case.debtor_id) | {"court": _court_choices(case)},
    )


def _court_choices(case: Case) -> dict[str, str]:
    """Suggested courts (the forum clause, else the defendant's domicile): the user decides."""
    from legalcase.services.documents.parties_context import court_suggestions

    return {c: "建议" for c in court_suggestions(db.session, case)}


@bp.route("/cases/<int:case_id>/stage", methods=["GET", "POST"])
def move_stage(case_id: int):
    case = _case(case_id)
    _guard(case)

    def save(data):
        from legalcase.jobs.evidence import submit_legal_hold

        actor = current_user._get_current_object()
        change = case_svc.move_stage(db.session, actor, case, data["stage"], data["reason"])
        submit_legal_hold(db.session, actor, change)  # the holds are placed by a job
        return _to_case(case.id, "stage")

    moves = allowed_moves(Stage(case.stage))
    return form_page(
        S.StageMoveSchema(),
        f"变更阶段（当前：{STAGE_LABELS[Stage(case.stage)]}）",
        save,
        choices={"stage": {s.value: STAGE_LABELS[s] for s in sorted(moves)}},
        success="阶段已变更",
    )


# The case's other screens register on the same blueprint.
from . import case_ledger, case_money  # noqa: E402,F401
