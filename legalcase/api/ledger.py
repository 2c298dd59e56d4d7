"""The collection ledger and promises to pay."""

from __future__ import annotations

from flask import g

from legalcase import schemas as S
from legalcase.db import db
from legalcase.models import LedgerEntry
from legalcase.services import ledger as ledger_svc
from legalcase.services import queries
from legalcase.services.clock import today
from legalcase.services.common import get_or_404

from . import body, bp, case_or_404, dumps


@bp.get("/cases/<int:case_id>/ledger")
@dumps(S.LedgerList)
def list_ledger(case_id: int):
    page = queries.case_page(db.session, case_id, today(), audit_limit=0)
    promises = page.promises_by_entry
    return {"items": [{**e._asdict(), "promises": promises.get(e.id, [])} for e in page.ledger]}


@bp.post("/cases/<int:case_id>/ledger")
@dumps(S.LedgerEntryOut, status=201)
def create_ledger(case_id: int):
    case = case_or_404(case_id)
    return ledger_svc.record_contact(
        db.session, g.api_user, case, S.parse(S.LedgerSchema(), body())
    )


@bp.patch("/ledger/<int:entry_id>")
@dumps(S.LedgerEntryOut)
def patch_ledger(entry_id: int):
    entry = get_or_404(db.session, LedgerEntry, entry_id, "催收记录")
    data = S.parse(S.LedgerSchema(), body(), partial=True)
    return ledger_svc.update_contact_record(db.session, g.api_user, entry, data)


@bp.get("/cases/<int:case_id>/promises")
@dumps(S.PromiseList)
def list_promises(case_id: int):
    return {"items": queries.case_page(db.session, case_id, today(), audit_limit=0).promises}
