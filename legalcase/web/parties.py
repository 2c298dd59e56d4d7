from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.roles import Role, require_admin, require_writer
from legalcase.models import Case, Contact, Creditor, Party
from legalcase.services import creditors as creditor_svc
from legalcase.services import parties as party_svc
from legalcase.services import queries
from legalcase.services.common import get_or_404

from .forms import form_page

bp = Blueprint("parties", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


@bp.get("/parties")
def index():
    q = (request.args.get("q") or "").strip()
    stmt = select(Party).order_by(Party.id.desc())
    if q:
        stmt = stmt.where(or_(Party.name.like(f"%{q}%"), Party.id_code == q))
    rows = list(db.session.scalars(stmt.limit(100)))
    return render_template("parties.html", rows=rows, q=q)


@bp.get("/parties/<int:party_id>")
def show(party_id: int):
    party = get_or_404(db.session, Party, party_id, "当事人")
    cases = list(
        db.session.scalars(select(Case).where(Case.debtor_id == party.id).order_by(Case.id.desc()))
    )
    guaranteed = queries.guarantees_of_party(db.session, party.id)
    return render_template("party.html", party=party, cases=cases, guaranteed=guaranteed)


@bp.route("/parties/new", methods=["GET", "POST"])
def new():
    require_writer(Role(current_user.role))

    def save(data):
        party = party_svc.create_party(db.session, current_user, data)
        return url_for("parties.show", party_id=party.id)

    return form_page(S.PartySchema(), "新增当事人", save, initial={"kind": "company"})


@bp.route("/parties/<int:party_id>/edit", methods=["GET", "POST"])
def edit(party_id: int):
    party = get_or_404(db.session, Party, party_id, "当事人")
    require_writer(Role(current_user.role))

    def save(data):
        party_svc.update_party(db.session, current_user, party, data)
        return url_for("parties.show", party_id=party.id)

    return form_page(
        S.PartySchema(), f"编辑：{party.name}", save, initial=S.dump_fields(S.PartySchema(), party)
    )


@bp.route("/parties/<int:party_id>/contacts/new", methods=["GET", "POST"])
def new_contact(party_id: int):
    party = get_or_404(db.session, Party, party_id, "当事人")
    require_writer(Role(current_user.role))

    def save(data):
        party_svc.add_contact(db.session, current_user, party, data)
        return url_for("parties.show", party_id=party.id)

    return form_page(
        S.ContactSchema(), f"新增联系人：{party.name}", save, initial={"relation": "self"}
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit_contact(contact_id: int):
    contact = get_or_404(db.session, Contact, contact_id, "联系人")
    require_writer(Role(current_user.role))

    def save(data):
        party_svc.update_contact(db.session, current_user, contact, data)
        return url_for("parties.show", party_id=contact.party_id)

    return form_page(
        S.ContactSchema(),
        f"编辑联系人：{contact.name}",
        save,
        initial=S.dump_fields(S.ContactSchema(), contact),
    )


# ---- our creditor entities (设置 → 债权主体): everyone sees them, an admin changes them ----


@bp.get("/settings/creditors")  # 设置 → 债权主体 (issue 14 point 5)
@bp.get("/creditors")
def creditors():
    from legalcase.services.creditors import list_creditors
    from legalcase.services.documents.numbering import creditor_letter_code

    rows = [(c, creditor_letter_code(c)) for c in list_creditors(db.session)]
    return render_template("creditors.html", rows=rows)


@bp.route("/creditors/new", methods=["GET", "POST"])
def new_creditor():
    require_admin(Role(current_user.role))

    def save(data):
        creditor_svc.create_creditor(db.session, current_user, data)
        return url_for("parties.creditors")

    return form_page(S.CreditorSchema(), "新增债权主体", save, success="债权主体已创建")


@bp.route("/creditors/<int:creditor_id>/edit", methods=["GET", "POST"])
def edit_creditor(creditor_id: int):
    creditor = get_or_404(db.session, Creditor, creditor_id, "债权主体")
    require_admin(Role(current_user.role))

    def save(data):
        creditor_svc.update_creditor(db.session, current_user, creditor, data)
        return url_for("parties.creditors")

    return form_page(
        S.CreditorSchema(),
        f"编辑债权主体：{creditor.name}",
        save,
        initial=S.dump_fields(S.CreditorSchema(), creditor),
        cancel_url=url_for("parties.creditors"),
    )
