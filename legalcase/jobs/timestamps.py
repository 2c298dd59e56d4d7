"""RFC 3161 timestamps in the background (issue 16 point 1): the ones still missing."""

from __future__ import annotations

from legalcase.services.audit import set_actor
from legalcase.services.timestamps import label, retry_pending_timestamps

from . import job_kind


@job_kind("timestamps.retry", "补办时间戳")
def retry(ctx) -> dict:
    """Request the tokens of objects marked 待补时间戳 (the authority was down when they
    were stored). Idempotent: only rows still pending are tried, each once per run."""
    with ctx.unit_of_work() as uow:
        set_actor(uow.session, None)
        result = retry_pending_timestamps(
            uow.session, case_id=ctx.params.get("case_id"), limit=ctx.params.get("limit", 500)
        )
        uow.commit()
    return {
        "stamped": [
            {"kind": r.object_kind, "id": r.object_id, "authority": label(r)}
            for r in result.stamped[:200]
        ],
        "pending": [
            {"kind": r.object_kind, "id": r.object_id, "error": r.last_error}
            for r in result.pending[:200]
        ],
    }
