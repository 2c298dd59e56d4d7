"""Batch letters as a job: one letter per case, exactly once, then a zip of them."""

from __future__ import annotations

from datetime import date

from legalcase.services import documents as docs

from . import job_kind

KIND = "letters.batch"


@job_kind(KIND, "批量催款函")
def batch_letters(ctx) -> dict:
    p = ctx.params
    as_of = date.fromisoformat(p["as_of"])
    if p.get("pdf"):
        docs.require_pdf()
    for case_id in ctx.pending(p["case_ids"]):
        with ctx.item(case_id) as item:  # the letter and its JobItem commit together
            doc = docs.batch_letter(
                item.session,
                item.storage,
                item.actor,
                int(case_id),
                p["doc_type"],
                as_of=as_of,
                config=ctx.config,
                override_reason=p.get("override_reason"),
                pdf=bool(p.get("pdf")),
            )
            item.result = {"document_id": doc.id, "reference": doc.reference}
    done = [ctx.items[str(c)] for c in p["case_ids"] if str(c) in ctx.items]
    generated = [i.result["document_id"] for i in done if i.result]
    skipped = [{"case_id": int(i.key), "problem": i.problem} for i in done if i.problem]
    with ctx.unit_of_work() as uow:
        key = docs.batch_zip(uow.session, uow.storage, generated, ctx.config) if generated else None
        uow.commit()
    # the cases the batch passed by before it started (services.documents.batch_skips)
    skipped += [{"case_id": s["case_id"], "problem": s["reason"]} for s in p.get("passed", [])]
    return {"generated": len(generated), "skipped": skipped, "zip_key": key}
