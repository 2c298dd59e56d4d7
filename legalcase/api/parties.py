"""Parties (debtors, guarantors) with their contacts, and our creditor entities."""

from __future__ import annotations

from flask import g, request

from legalcase import schemas as S
from legalcase.db import db
from legalcase.models import Contact, Creditor, Party
from legalcase.services import creditors as creditor_svc
from legalcase.services import parties as party_svc
from legalcase.services import queries
from legalcase.services.common import get_or_404

from . import body, bp, dumps


def _party(party_id: int) -> Party:
    return get_or_404(db.session, Party, party_id, "当事人")


@bp.get("/creditors")
@dumps(S.CreditorList)
def list_creditors():
    creditors = queries.choices_creditors(db.session)
    return {"items": [{"id": k, "name": v} for k, v in creditors.items()]}


@bp.post("/creditors")
@dumps(S.CreditorDetailOut, status=201)
def create_creditor():
    return creditor_svc.create_creditor(db.session, g.api_user, S.parse(S.CreditorSchema(), body()))


@bp.get("/creditors/<int:creditor_id>")
@dumps(S.CreditorDetailOut)
def get_creditor(creditor_id: int):
    return get_or_404(db.session, Creditor, creditor_id, "债权主体")


@bp.patch("/creditors/<int:creditor_id>")
@dumps(S.CreditorDetailOut)
def patch_creditor(creditor_id: int):
    creditor = get_or_404(db.session, Creditor, creditor_id, "债权主体")
    data = S.parse(S.CreditorSchema(), body(), partial=True)
    return creditor_svc.update_creditor(db.session, g.api_user, creditor, data)


@bp.get("/parties")
@dumps(S.PartyList)
def list_parties():
    return {"items": queries.find_parties(db.session, request.args.get("q"))}


@bp.post("/parties")
@dumps(S.PartyOut, status=201)
def create_party():
    return party_svc.create_party(db.session, g.api_user, S.parse(S.PartySchema(), body()))


@bp.get("/parties/<int:party_id>")
@dumps(S.PartyDetailOut)
def get_party(party_id: int):
    return _party(party_id)


@bp.patch("/parties/<int:party_id>")
@dumps(S.PartyOut)
def patch_party(party_id: int):
    party = _party(party_id)
    data = S.parse(S.PartySchema(), body(), partial=True)
    return party_svc.update_party(db.session, g.api_user, party, data)


@bp.post("/parties/<int:party_id>/contacts")
@dumps(S.ContactOut, status=201)
def create_contact(party_id: int):
    party = _party(party_id)
    return party_svc.add_contact(db.session, g.api_user, party, S.parse(S.ContactSchema(), body()))


@bp.patch("/contacts/<int:contact_id>")
@dumps(S.ContactOut)
def patch_contact(contact_id: int):
    contact = get_or_404(db.session, Contact, contact_id, "联系人")
    data = S.parse(S.ContactSchema(), body(), partial=True)
    return party_svc.update_contact(db.session, g.api_user, contact, data)
