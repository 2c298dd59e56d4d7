"""Evidence work in the background: the weekly re-verification of every stored object."""

from __future__ import annotations

from sqlalchemy.orm import Session

from legalcase.domain.stages import Stage
from legalcase.models import StageChange, User
from legalcase.models.jobs import Job
from legalcase.services.evidence.upload import HELD_STAGES
from legalcase.services.evidence.verify import verify

from . import job_kind, submit

LEGAL_HOLD = "evidence.legal_hold"


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


def submit_legal_hold(session: Session, actor: User, change: StageChange) -> Job | None:
    """After a stage change into litigation (or later): queue the legal hold on the case's
    stored evidence; it is sent when the request that moved the stage commits."""
    if Stage(change.to_stage) not in HELD_STAGES:
        return None
    params = {"case_id": change.case_id}
    return submit(session, LEGAL_HOLD, params=params, created_by=actor, case_id=change.case_id)


@job_kind(LEGAL_HOLD, "证据法律保全（锁定存储对象）")
def legal_hold(ctx) -> dict:
    """Legal hold on every stored object of the case (when it enters litigation); setting
    a hold twice is harmless, so a retry simply runs again."""
    from legalcase.models import Case
    from legalcase.services.evidence.upload import hold_case_evidence

    with ctx.unit_of_work() as uow:
        held = hold_case_evidence(
            uow.session, uow.storage, uow.session.get(Case, ctx.params["case_id"])
        )
    return {"held": held, "summary": f"已锁定 {held} 个证据文件"}


@job_kind("evidence.bundle", "证据合订本")
def bundle(ctx) -> dict:
    """Build the case's bundle of the chosen items (one item: a retry builds no second)."""
    from legalcase.models import Case
    from legalcase.services.evidence import build_case_bundle

    p = ctx.params
    for step in ctx.pending(["bundle"]):
        with ctx.item(step) as item:
            made = build_case_bundle(
                item.session,
                item.storage,
                item.actor,
                item.session.get(Case, p["case_id"]),
                p["item_ids"],
                tmp_dir=ctx.config["UPLOAD_TMP"],
                title=p.get("title"),
            )
            item.result = {"bundle_id": made.id}
    done = ctx.items["bundle"]
    if done.problem:
        from legalcase.domain.errors import DomainError

        raise DomainError("bundle_refused", done.problem)
    return {**done.result, "summary": "证据合订本已生成，可在案件的证据链页面下载"}
