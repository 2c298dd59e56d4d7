"""Disputes and online statement links from the case page: the case page's 异议 section
(one query), the page to open a dispute, the page of a case's links (make one: shown once,
optionally e-mailed to the contact)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, can_change_case
from legalcase.models import Case, Contact, Dispute, EvidenceItem
from legalcase.schemas import parse
from legalcase.schemas.disputes import ConfirmationSchema, DisputeSchema, ResolveSchema
from legalcase.services import confirmations as conf_svc
from legalcase.services import disputes as svc
from legalcase.services.common import get_or_404

bp = Blueprint("disputes", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


def _back(case_id: int):
    return redirect(url_for("cases.show", case_id=case_id, tab="money") + "#disputes")


def _can_edit(case: Case) -> bool:
    return can_change_case(Role(current_user.role), current_user.id, case.owner_id)


@bp.get("/cases/<int:case_id>/disputes/new")
def new_dispute(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    return render_template(
        "dispute_new.html",
        case=case,
        receivables=sorted(case.receivables, key=lambda r: (r.due_date, r.id)),
        evidence=list(
            db.session.execute(
                select(EvidenceItem.id, EvidenceItem.title)
                .where(EvidenceItem.case_id == case.id, EvidenceItem.status == "active")
                .order_by(EvidenceItem.id)
            )
        ),
    )


@bp.get("/cases/<int:case_id>/confirmations")
def links(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    contacts = db.session.scalars(
        select(Contact).where(Contact.party_id == case.debtor_id).order_by(Contact.id)
    )
    return render_template(
        "confirmation_links.html",
        case=case,
        contacts=list(contacts),
        links=conf_svc.case_links(db.session, case.id),
        can_edit=_can_edit(case),
    )


def _form() -> dict:
    raw = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if "evidence_ids" in request.form:
        raw["evidence_ids"] = [int(v) for v in request.form.getlist("evidence_ids") if v.isdigit()]
    return raw


def link_url(token: str) -> str:
    return url_for("confirm.show", token=token, _external=True)


@bp.post("/cases/<int:case_id>/confirmations")
def create_link(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    try:
        data = parse(ConfirmationSchema(), _form())
        send = data.pop("send_email", False)
        conf, token = conf_svc.create_link(db.session, current_user, case, data)
        url = link_url(token)
        note = ""
        if send:
            to = conf_svc.send_link(conf, case, url, current_app.config)
            note = f"，已发送至 {to}" if to else "，但邮件发送失败，请将链接另行发给对方"
    except DomainError as exc:
        db.uow.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("disputes.links", case_id=case_id))
    flash(f"对账链接已生成（只显示这一次，请复制）{note}：{url}", "success")
    return redirect(url_for("disputes.links", case_id=case_id))


@bp.post("/cases/<int:case_id>/disputes")
def open_dispute(case_id: int):
    case = get_or_404(db.session, Case, case_id, "案件")
    try:
        svc.open_dispute(db.session, current_user, case, parse(DisputeSchema(), _form()))
    except DomainError as exc:
        db.uow.rollback()
        flash(exc.message, "danger")
        return _back(case_id)
    flash("已登记异议，相关应收款暂停催收", "success")
    return _back(case_id)


@bp.post("/disputes/<int:dispute_id>/resolve")
def resolve(dispute_id: int):
    dispute = get_or_404(db.session, Dispute, dispute_id, "异议")
    case_id = dispute.case_id
    try:
        svc.resolve_dispute(db.session, current_user, dispute, parse(ResolveSchema(), _form()))
    except DomainError as exc:
        db.uow.rollback()
        flash(exc.message, "danger")
        return _back(case_id)
    flash("异议已处理", "success")
    return _back(case_id)
