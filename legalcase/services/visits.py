"""Field visits (上门催收, issue 17 point 4): the visit pack, then the visit recorded.

The pack's figures are the case's one amount owed (``claims.claim_for_case``: the stored
figures and the claim the documents use), never recomputed here. The visit itself is a ledger
entry of channel ``visit`` (``ledger.record_contact``): its demand and promise reach the
deadline engine like any other contact; a signed 还款承诺书 uploaded afterwards is evidence of
kind ``acknowledgment`` linked to that entry, which becomes an acknowledgment (limitation runs
afresh from the visit, RULES.md s.2). Photos are evidence items with the time and place kept.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.values import OUTCOMES, VISIT_ROLES, LegalEffect, VisitStatus
from legalcase.models import Case, User, Visit, VisitMember, VisitPhoto
from legalcase.models.base import utcnow
from storage import Storage

from . import evidence as evidence_svc
from . import ledger as ledger_svc
from .clock import SHANGHAI
from .common import begin_case_write


def _members(session: Session, case: Case, members: list[dict]) -> list[VisitMember]:
    if not members:
        raise ValidationFailed({"members": "请至少选择一名走访人员"})
    out, seen = [], set()
    for m in members:
        user = session.get(User, m["user_id"])
        if user is None or not user.is_active:
            raise ValidationFailed({"members": "走访人员须为在职用户"})
        if m["role"] not in VISIT_ROLES:
            raise ValidationFailed({"members": "请选择走访人员的分工"})
        if user.id in seen:
            continue
        seen.add(user.id)
        out.append(VisitMember(case_id=case.id, user_id=user.id, role=m["role"]))
    return out


def plan_visit(session: Session, actor: User, case: Case, data: dict) -> Visit:
    """A visit to prepare: the day, the purpose and the team with their roles."""
    begin_case_write(session, actor, case)
    visit = Visit(
        case_id=case.id,
        planned_date=data["planned_date"],
        purpose=data.get("purpose"),
        status=VisitStatus.PLANNED.value,
        user_id=actor.id,
    )
    visit.members = _members(session, case, data.get("members") or [])
    session.add(visit)
    session.flush()
    return visit


def record_visit(
    session: Session, actor: User, visit: Visit, data: dict, now: datetime | None = None
) -> Visit:
    """What happened: when, where, who was met, the outcome, a promise if one was made (a
    ledger entry of channel ``visit``; a demand made in person unless ``legal_effect`` says
    otherwise); ``members`` or ``member_ids`` (optional): who actually went."""
    case = session.get(Case, visit.case_id)
    begin_case_write(session, actor, case)
    if visit.status == VisitStatus.DONE:
        raise DomainError("already_recorded", "本次走访已记录，如需更正请更正对应的催收记录")
    errors = {}
    if not data.get("place"):
        errors["place"] = "请填写走访地点"
    if data.get("outcome") not in OUTCOMES:
        errors["outcome"] = "请选择列表中的一项"
    if errors:
        raise ValidationFailed(errors)
    if data.get("member_ids"):  # who actually went: the planned role kept, others recorders
        planned = {m.user_id: m.role for m in visit.members}
        data = {
            **data,
            "members": [
                {"user_id": u, "role": planned.get(u, "recorder")} for u in data["member_ids"]
            ],
        }
    if data.get("members"):
        visit.members = _members(session, case, data["members"])
    met = data.get("met_person")
    who = f"{met}（{data['met_role']}）" if met and data.get("met_role") else met
    summary = data.get("summary") or ""
    entry = ledger_svc.record_contact(
        session,
        actor,
        case,
        {
            "contacted_at": data["visited_at"],
            "channel": "visit",
            "person_reached": (who or None) and who[:100],
            "summary": f"上门走访（{data['place']}）：{summary}".strip("："),
            "outcome": data["outcome"],
            "legal_effect": data.get("legal_effect") or LegalEffect.DEMAND.value,
            "addressee": "debtor",
            "promise_amount": data.get("promise_amount"),
            "promise_due_date": data.get("promise_due_date"),
        },
        now=now,
    )
    visit.status = VisitStatus.DONE.value
    visit.visited_at = data["visited_at"]
    visit.place = data["place"]
    visit.met_person = met
    visit.met_role = data.get("met_role")
    visit.outcome = data["outcome"]
    visit.summary = summary
    visit.ledger_entry_id = entry.id
    session.flush()
    return visit


def _recorded(visit: Visit) -> None:
    if visit.status != VisitStatus.DONE or visit.ledger_entry_id is None:
        raise DomainError(
            "not_recorded", "请先记录走访情况，再上传照片或承诺书", {"file": "走访尚未记录"}
        )


def add_photo(
    session: Session,
    storage: Storage,
    actor: User,
    visit: Visit,
    stream: BinaryIO,
    filename: str | None,
    taken_at: datetime,
    place: str,
    *,
    tmp_dir: str | Path,
    max_bytes: int,
) -> VisitPhoto:
    """A photo of the visit kept as evidence (hashed, in the custody log) with when and where
    it was taken, linked to the visit's ledger entry."""
    case = session.get(Case, visit.case_id)
    _recorded(visit)
    if not place or not place.strip():
        raise ValidationFailed({"place": "请填写拍摄地点"})
    if taken_at > utcnow():
        raise ValidationFailed({"taken_at": "拍摄时间不能晚于现在"})
    local = taken_at.astimezone(SHANGHAI)
    item = evidence_svc.add_evidence(
        session,
        storage,
        actor,
        case,
        stream,
        filename,
        {
            "kind": "other",
            "title": f"上门走访照片（{local:%Y-%m-%d %H:%M}，{place.strip()}）"[:200],
            "source": "上门走访现场拍摄",
            "purpose": f"证明{local:%Y-%m-%d %H:%M}在{place.strip()}上门催收",
            "document_date": local.date(),
            "ledger_entry_ids": [visit.ledger_entry_id],
        },
        tmp_dir=tmp_dir,
        max_bytes=max_bytes,
    )
    if not item.content_type.startswith("image/") and item.content_type != "application/pdf":
        raise ValidationFailed({"file": "照片应为 JPG/PNG 图片（或其 PDF）"})
    photo = VisitPhoto(
        case_id=case.id,
        visit_id=visit.id,
        evidence_id=item.id,
        taken_at=taken_at,
        place=place.strip()[:300],
    )
    session.add(photo)
    session.flush()
    return photo


def upload_commitment(
    session: Session,
    storage: Storage,
    actor: User,
    visit: Visit,
    stream: BinaryIO,
    filename: str | None,
    *,
    tmp_dir: str | Path,
    max_bytes: int,
):
    """The 还款承诺书 signed at the visit: evidence of kind ``acknowledgment`` and the visit's
    ledger entry an acknowledgment (the debtor agreed to perform: limitation runs afresh)."""
    case = session.get(Case, visit.case_id)
    _recorded(visit)
    day = visit.visited_at.astimezone(SHANGHAI).date()
    item = evidence_svc.add_evidence(
        session,
        storage,
        actor,
        case,
        stream,
        filename,
        {
            "kind": "acknowledgment",
            "title": f"还款承诺书（{day}上门走访时签署）",
            "source": f"{visit.met_person or '债务人'}签署",
            "purpose": "证明债务人确认欠款并承诺还款（诉讼时效中断）",
            "document_date": day,
            "original_or_copy": "original",
            "ledger_entry_ids": [visit.ledger_entry_id],
        },
        tmp_dir=tmp_dir,
        max_bytes=max_bytes,
    )
    entry = visit.ledger_entry
    if entry.legal_effect != LegalEffect.ACKNOWLEDGMENT:
        ledger_svc.update_contact_record(
            session, actor, entry, {"legal_effect": LegalEffect.ACKNOWLEDGMENT.value}
        )
    visit.commitment_evidence_id = item.id
    session.flush()
    return item


def team_choices(session: Session) -> dict[int, str]:
    """Who may go on a visit: active users who may write (not viewers)."""
    rows = session.scalars(
        select(User).where(User.is_active.is_(True), User.role != "viewer").order_by(User.id)
    )
    return {u.id: u.display_name for u in rows}


def case_visits(session: Session, case: Case) -> list[Visit]:
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.case_id == case.id)
            .order_by(Visit.planned_date.desc(), Visit.id.desc())
        )
    )


def visit_day(visit: Visit) -> date:
    return visit.visited_at.astimezone(SHANGHAI).date() if visit.visited_at else visit.planned_date
