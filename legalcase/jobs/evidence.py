"""Evidence work in the background: the weekly re-verification of every stored object."""

from __future__ import annotations

from legalcase.services.evidence.verify import verify

from . import job_kind


@job_kind("evidence.verify", "证据完整性复核")
def reverify(ctx) -> dict:
    """Re-hash every evidence item (each check is recorded in its custody log)."""
    with ctx.unit_of_work() as uow:
        result = verify(uow.session, uow.storage, case_id=ctx.params.get("case_id"))
        uow.commit()
    return {
        "checked": result.checked,
        "problems": [
            {"evidence_id": item.id, "case_id": item.case_id, "problem": problem}
            for item, problem in result.problems[:200]
        ],
    }
