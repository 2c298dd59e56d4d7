from __future__ import annotations

from datetime import date

from flask import current_app, g, request

from legalcase import schemas as S
from legalcase.db import db, writes
from legalcase.domain.calendar import china_calendar
from legalcase.domain.deadline_io import output_json, parse_deadline_input
from legalcase.domain.deadlines import compute
from legalcase.domain.errors import ValidationFailed
from legalcase.domain.interest import compute_interest
from legalcase.domain.interest_io import parse_interest_input
from legalcase.models import (
    Case,
    Contact,
    Contract,
    CourtEvent,
    EvidenceItem,
    LedgerEntry,
    Party,
    Payment,
    Receivable,
)
from legalcase.services import cases as case_svc
from legalcase.services import claims as claim_svc
from legalcase.services import court as court_svc
from legalcase.services import deadlines as deadline_svc
from legalcase.services import evidence as evidence_svc
from legalcase.services import ledger as ledger_svc
from legalcase.services import parties as party_svc
from legalcase.services import queries
from legalcase.services import receivables as recv_svc
from legalcase.services.clock import today
from legalcase.services.common import get_or_404
from legalcase.services.lpr import lpr_table
from legalcase.services.promises import effective_status

from . import body, bp, created, json_view


def _dump(schema, obj, **extra) -> dict:
    out = {"id": obj.id, **schema.dump(obj)}
    out.pop("instalments", None)
    out.update(extra)
    return out


def case_json(c: Case) -> dict:
    return _dump(
        S.CaseSchema(),
        c,
        stage=c.stage,
        principal_amount=f"{c.principal_amount:.2f}",
        paid_amount=f"{c.paid_amount:.2f}",
        outstanding_amount=f"{c.outstanding_amount:.2f}",
        next_deadline_date=c.next_deadline_date.isoformat() if c.next_deadline_date else None,
        oldest_unpaid_due_date=c.oldest_unpaid_due_date.isoformat()
        if c.oldest_unpaid_due_date
        else None,
    )


def receivable_json(r: Receivable) -> dict:
    return _dump(
        S.ReceivableSchema(),
        r,
        paid_amount=f"{r.paid_amount:.2f}",
        outstanding=f"{r.outstanding:.2f}",
        instalments=[
            {"seq": i.seq, "due_date": i.due_date.isoformat(), "amount": f"{i.amount:.2f}"}
            for i in r.instalments
        ],
    )


def _case(case_id: int) -> Case:
    return get_or_404(db.session, Case, case_id, "案件")


# ---- parties ---------------------------------------------------------------------


@bp.get("/creditors")
@json_view
def list_creditors():
    return {
        "items": [{"id": k, "name": v} for k, v in queries.choices_creditors(db.session).items()]
    }


@bp.get("/me")
@json_view
def me():
    u = g.api_user
    return {"id": u.id, "username": u.username, "display_name": u.display_name, "role": u.role}


@bp.get("/parties")
@json_view
def list_parties():
    from sqlalchemy import or_, select

    q = request.args.get("q")
    stmt = select(Party).order_by(Party.id.desc()).limit(100)
    if q:
        stmt = stmt.where(or_(Party.name.like(f"%{q}%"), Party.id_code == q))
    return {"items": [_dump(S.PartySchema(), p) for p in db.session.scalars(stmt)]}


@bp.post("/parties")
@json_view
def create_party():
    party = party_svc.create_party(db.session, g.api_user, S.parse(S.PartySchema(), body()))
    return created(_dump(S.PartySchema(), party))


@bp.get("/parties/<int:party_id>")
@json_view
def get_party(party_id: int):
    party = get_or_404(db.session, Party, party_id, "当事人")
    return _dump(
        S.PartySchema(), party, contacts=[_dump(S.ContactSchema(), c) for c in party.contacts]
    )


@bp.patch("/parties/<int:party_id>")
@json_view
def patch_party(party_id: int):
    party = get_or_404(db.session, Party, party_id, "当事人")
    data = S.parse(S.PartySchema(), body(), partial=True)
    return _dump(S.PartySchema(), party_svc.update_party(db.session, g.api_user, party, data))


@bp.post("/parties/<int:party_id>/contacts")
@json_view
def create_contact(party_id: int):
    party = get_or_404(db.session, Party, party_id, "当事人")
    contact = party_svc.add_contact(
        db.session, g.api_user, party, S.parse(S.ContactSchema(), body())
    )
    return created(_dump(S.ContactSchema(), contact))


@bp.patch("/contacts/<int:contact_id>")
@json_view
def patch_contact(contact_id: int):
    contact = get_or_404(db.session, Contact, contact_id, "联系人")
    data = S.parse(S.ContactSchema(), body(), partial=True)
    return _dump(S.ContactSchema(), party_svc.update_contact(db.session, g.api_user, contact, data))


# ---- cases -----------------------------------------------------------------------


@bp.get("/cases")
@json_view
def list_cases():
    f, errors = S.portfolio_filter(request.args)
    if errors:
        raise ValidationFailed(errors)
    page = request.args.get("page", 1, type=int) or 1
    per_page = min(request.args.get("per_page", 50, type=int) or 50, 200)
    rows, total = case_svc.list_cases(db.session, f, today(), page, per_page)
    return {
        "items": [case_json(c) for c in rows],
        "total": total,
        "page": page,
        "per_page": per_page,
    }


@bp.post("/cases")
@json_view
def create_case():
    case = case_svc.open_case(db.session, g.api_user, S.parse(S.CaseSchema(), body()))
    return created(case_json(case))


@bp.get("/cases/<int:case_id>")
@json_view
def get_case(case_id: int):
    return case_json(_case(case_id))


@bp.patch("/cases/<int:case_id>")
@json_view
def patch_case(case_id: int):
    case = _case(case_id)
    raw = body()
    if "stage" in raw:
        raise ValidationFailed({"stage": "阶段请用 POST /cases/{id}/stage 变更"})
    data = S.parse(S.CaseSchema(), raw, partial=True)
    return case_json(case_svc.update_case(db.session, g.api_user, case, data))


@bp.post("/cases/<int:case_id>/stage")
@json_view
def post_stage(case_id: int):
    case = _case(case_id)
    data = S.parse(S.StageMoveSchema(), body())
    change = case_svc.move_stage(
        db.session,
        g.api_user,
        case,
        data["stage"],
        data["reason"],
        db.storage,
    )
    return created(
        {
            "id": change.id,
            "from_stage": change.from_stage,
            "to_stage": change.to_stage,
            "reason": change.reason,
            "changed_at": change.changed_at.isoformat(),
        }
    )


@bp.get("/cases/<int:case_id>/stage-changes")
@json_view
def list_stage_changes(case_id: int):
    page = queries.case_page(db.session, case_id, today(), audit_limit=0)
    return {
        "items": [
            {
                "id": s.id,
                "from_stage": s.from_stage,
                "to_stage": s.to_stage,
                "user": s.user.username,
                "reason": s.reason,
                "changed_at": s.changed_at.isoformat(),
            }
            for s in page.stage_changes
        ]
    }


@bp.get("/cases/<int:case_id>/contracts")
@json_view
def list_contracts(case_id: int):
    return {"items": [_dump(S.ContractSchema(), k) for k in _case(case_id).contracts]}


@bp.post("/cases/<int:case_id>/contracts")
@json_view
def create_contract(case_id: int):
    case = _case(case_id)
    contract = recv_svc.add_contract(
        db.session, g.api_user, case, S.parse(S.ContractSchema(), body())
    )
    return created(_dump(S.ContractSchema(), contract))


@bp.patch("/contracts/<int:contract_id>")
@json_view
def patch_contract(contract_id: int):
    contract = get_or_404(db.session, Contract, contract_id, "合同")
    data = S.parse(S.ContractSchema(), body(), partial=True)
    return _dump(
        S.ContractSchema(), recv_svc.update_contract(db.session, g.api_user, contract, data)
    )


@bp.get("/cases/<int:case_id>/receivables")
@json_view
def list_receivables(case_id: int):
    return {"items": [receivable_json(r) for r in _case(case_id).receivables]}


@bp.post("/cases/<int:case_id>/receivables")
@json_view
def create_receivable(case_id: int):
    case = _case(case_id)
    r = recv_svc.add_receivable(db.session, g.api_user, case, S.parse(S.ReceivableSchema(), body()))
    return created(receivable_json(r))


@bp.patch("/receivables/<int:receivable_id>")
@json_view
def patch_receivable(receivable_id: int):
    r = get_or_404(db.session, Receivable, receivable_id, "应收款")
    data = S.parse(S.ReceivableSchema(), body(), partial=True)
    return receivable_json(recv_svc.update_receivable(db.session, g.api_user, r, data))


def _payment_json(p) -> dict:
    return _dump(
        S.PaymentSchema(),
        p,
        allocations=[
            {"receivable_id": a.receivable_id, "amount": f"{a.amount:.2f}"} for a in p.allocations
        ],
    )


@bp.get("/cases/<int:case_id>/payments")
@json_view
def list_payments(case_id: int):
    page = queries.case_page(db.session, case_id, today(), audit_limit=0)
    return {"items": [_payment_json(p) for p in page.payments]}


@bp.post("/cases/<int:case_id>/payments")
@json_view
def create_payment(case_id: int):
    case = _case(case_id)
    data = S.parse(S.PaymentSchema(), body())
    return created(
        _payment_json(recv_svc.record_payment(db.session, g.api_user, case, data, today=today()))
    )


@bp.patch("/payments/<int:payment_id>")
@json_view
def patch_payment(payment_id: int):
    payment = get_or_404(db.session, Payment, payment_id, "回款")
    data = S.parse(S.PaymentSchema(), body(), partial=True)
    return _payment_json(
        recv_svc.update_payment(db.session, g.api_user, payment, data, today=today())
    )


@bp.patch("/ledger/<int:entry_id>")
@json_view
def patch_ledger(entry_id: int):
    entry = get_or_404(db.session, LedgerEntry, entry_id, "催收记录")
    data = S.parse(S.LedgerSchema(), body(), partial=True)
    entry = ledger_svc.update_contact_record(db.session, g.api_user, entry, data)
    return _ledger_json(entry, entry.user.username, entry.promises)


def _ledger_json(e, username: str, promises) -> dict:
    out = _dump(S.LedgerSchema(), e, user=username)
    out.pop("promise_amount", None)
    out.pop("promise_due_date", None)
    out["promises"] = [_promise_json(p) for p in promises]
    return out


def _promise_json(p) -> dict:
    return {
        "id": p.id,
        "amount": f"{p.amount:.2f}",
        "made_date": p.made_date.isoformat(),
        "due_date": p.due_date.isoformat(),
        "status": effective_status(p, today()).value,
    }


@bp.get("/cases/<int:case_id>/ledger")
@json_view
def list_ledger(case_id: int):
    page = queries.case_page(db.session, case_id, today(), audit_limit=0)
    return {
        "items": [
            _ledger_json(e, e.username, page.promises_by_entry.get(e.id, [])) for e in page.ledger
        ]
    }


@bp.post("/cases/<int:case_id>/ledger")
@json_view
def create_ledger(case_id: int):
    case = _case(case_id)
    entry = ledger_svc.record_contact(
        db.session, g.api_user, case, S.parse(S.LedgerSchema(), body())
    )
    return created(_ledger_json(entry, entry.user.username, entry.promises))


@bp.get("/cases/<int:case_id>/promises")
@json_view
def list_promises(case_id: int):
    page = queries.case_page(db.session, case_id, today(), audit_limit=0)
    return {"items": [_promise_json(p) for p in page.promises]}


@bp.get("/cases/<int:case_id>/audit")
@json_view
def list_audit(case_id: int):
    page = queries.case_page(db.session, case_id, today())
    return {
        "items": [
            {
                "at": a.at.isoformat(),
                "user": a.user.username if a.user else None,
                "entity": a.entity,
                "entity_id": a.entity_id,
                "action": a.action,
                "before": a.before,
                "after": a.after,
            }
            for a in page.audit
        ]
    }


# ---- deadlines, court events, calculators ----------------------------------------


def _deadline_json(d) -> dict:
    return {
        "id": d.id,
        "kind": d.kind,
        "source": d.source_key,
        "date": d.due_date.isoformat() if d.due_date else None,
        "unadjusted_date": d.unadjusted_date.isoformat() if d.unadjusted_date else None,
        "provisional": d.is_provisional,
        "status": d.status,
        "basis": d.basis,
        "defence_waived": d.is_defence_waived,
        "is_active": d.is_active,
        "is_handled": d.is_handled,
        "handled_note": d.handled_note,
    }


@bp.get("/cases/<int:case_id>/deadlines")
@json_view
def list_deadlines(case_id: int):
    _case(case_id)
    return {
        "items": [_deadline_json(d) for d in deadline_svc.upcoming_for_case(db.session, case_id)]
    }


@bp.post("/deadlines/<int:deadline_id>/handled")
@json_view
def post_handled(deadline_id: int):
    data = S.parse(S.HandledSchema(), body())
    return _deadline_json(
        deadline_svc.mark_handled(db.session, g.api_user, deadline_id, data["note"])
    )


@bp.get("/cases/<int:case_id>/court-events")
@json_view
def list_court_events(case_id: int):
    page = queries.case_page(db.session, case_id, today(), audit_limit=0)
    return {"items": [_dump(S.CourtEventSchema(), e) for e in page.court_events]}


@bp.post("/cases/<int:case_id>/court-events")
@json_view
def create_court_event(case_id: int):
    case = _case(case_id)
    event = court_svc.add_court_event(
        db.session, g.api_user, case, S.parse(S.CourtEventSchema(), body())
    )
    return created(_dump(S.CourtEventSchema(), event))


@bp.patch("/court-events/<int:event_id>")
@json_view
def patch_court_event(event_id: int):
    event = get_or_404(db.session, CourtEvent, event_id, "诉讼事件")
    data = S.parse(S.CourtEventSchema(), body(), partial=True)
    return _dump(
        S.CourtEventSchema(), court_svc.update_court_event(db.session, g.api_user, event, data)
    )


@bp.post("/deadlines/calculate")
@json_view
def calculate_deadlines():
    claim, as_of = parse_deadline_input(request.get_json(silent=True))
    return output_json(compute(claim, as_of, china_calendar()))


@bp.post("/interest/calculate")
@json_view
def calculate_interest():
    inp = parse_interest_input(request.get_json(silent=True))
    return compute_interest(inp, lpr_table(db.session)).to_json()


@bp.get("/cases/<int:case_id>/claim")
@json_view
def get_claim(case_id: int):
    as_of = request.args.get("as_of")
    try:
        day = date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        raise ValidationFailed({"as_of": f"日期无效：{as_of}"}) from None
    return claim_svc.claim_for_case(db.session, _case(case_id), day).to_json()


# ---- evidence ---------------------------------------------------------------------


def _evidence_json(i) -> dict:
    return {
        "id": i.id,
        "kind": i.kind,
        "title": i.title,
        "source": i.source,
        "purpose": i.purpose,
        "document_date": i.document_date.isoformat() if i.document_date else None,
        "is_original": i.is_original,
        "sha256": i.sha256,
        "size": i.size,
        "content_type": i.content_type,
        "page_count": i.page_count,
        "status": i.status,
        "status_reason": i.status_reason,
        "email": i.email_meta,
        "uploaded_at": i.uploaded_at.isoformat(),
        "last_verified_at": i.last_verified_at.isoformat() if i.last_verified_at else None,
        "last_verify_ok": i.is_last_verify_ok,
    }


@bp.get("/cases/<int:case_id>/evidence")
@json_view
def list_evidence(case_id: int):
    page = evidence_svc.evidence_page(db.session, _case(case_id))
    return {
        "items": [_evidence_json(i) for i in page.items],
        "checklist": [
            {"step": s.step, "label": s.label, "complete": s.complete, "missing": s.missing}
            for s in page.checklist
        ],
    }


@bp.post("/cases/<int:case_id>/evidence")
@json_view
def upload_evidence(case_id: int):
    case = _case(case_id)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed({"file": "请以 multipart/form-data 上传，文件字段名为 file"})
    meta = S.parse(S.EvidenceSchema(), request.form.to_dict())
    cfg = current_app.config
    item = evidence_svc.add_evidence(
        db.session,
        db.storage,
        g.api_user,
        case,
        upload.stream,
        upload.filename,
        meta,
        tmp_dir=cfg["UPLOAD_TMP"],
        max_bytes=cfg["EVIDENCE_MAX_MB"] * 2**20,
    )
    return created(_evidence_json(item))


@bp.get("/evidence/<int:item_id>/download")
@writes
def download_evidence(item_id: int):
    from flask import send_file

    item = get_or_404(db.session, EvidenceItem, item_id, "证据")
    evidence_svc.record_access(db.session, g.api_user, item, "download")
    response = send_file(
        db.storage.open(item.storage_key),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.original_filename or f"evidence-{item.id}",
        conditional=False,
    )
    response.headers["X-Content-SHA256"] = item.sha256
    return response


# ---- generated documents ------------------------------------------------------------


def _document_json(d) -> dict:
    return {
        "id": d.id,
        "doc_type": d.doc_type,
        "letter_number": d.letter_number,
        "as_of": d.as_of.isoformat(),
        "sha256": d.sha256,
        "size": d.size,
        "template_version": d.template_version,
        "override_reason": d.override_reason,
        "created_at": d.created_at.isoformat(),
        "sent_at": d.sent_at.isoformat() if d.sent_at else None,
    }


@bp.get("/cases/<int:case_id>/documents")
@json_view
def list_documents(case_id: int):
    from sqlalchemy import select

    from legalcase.models import GeneratedDocument

    _case(case_id)
    rows = db.session.scalars(
        select(GeneratedDocument)
        .where(GeneratedDocument.case_id == case_id)
        .order_by(GeneratedDocument.id)
    )
    return {"items": [_document_json(d) for d in rows]}


@bp.post("/cases/<int:case_id>/documents")
@json_view
def create_document(case_id: int):
    from legalcase.services import documents as document_svc

    case = _case(case_id)
    data = S.parse(S.GenerateSchema(), body())
    doc = document_svc.generate(
        db.session,
        db.storage,
        g.api_user,
        case,
        data["doc_type"],
        as_of=data["as_of"],
        config=current_app.config,
        override_reason=data.get("override_reason"),
        pay_days=data["pay_days"],
    )
    return created(_document_json(doc))


@bp.get("/documents/<int:doc_id>/docx")
def download_document(doc_id: int):
    from flask import send_file

    from legalcase.models import GeneratedDocument

    doc = get_or_404(db.session, GeneratedDocument, doc_id, "文书")
    response = send_file(
        db.storage.open(doc.storage_key),
        as_attachment=True,
        download_name=f"{doc.letter_number}.docx",
        conditional=False,
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response.headers["X-Content-SHA256"] = doc.sha256
    return response
