"""Pre-suit mediation (诉前调解): the organisation, the mediator, the sessions and the outcome.

Opening a mediation on a case at the demand stage moves it to the mediation stage (the
ladder's allowed moves, ``domain.stages``). A mediation agreement confirmed by the court
(司法确认) or a mediation document is recorded as a court event of kind
``mediation_confirmed`` (``court.add_court_event``): an effective document enforceable like a
judgment, whose amounts become the case's claim (``judgments``) and whose enforcement period
runs 2 years from the last day to perform (RULES.md section 4, CPL 250).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.stages import Stage
from legalcase.domain.values import MediationOutcome
from legalcase.models import Case, CourtEvent, User
from legalcase.models.mediation import Mediation, MediationSession

from .cases import move_stage
from .clock import today as clock_today
from .common import begin_case_write, get_or_404
from .court import add_court_event

CLOSED = (MediationOutcome.FAILED, MediationOutcome.WITHDRAWN, MediationOutcome.CONFIRMED)


def _text(data: dict, key: str, label: str, required: bool = True) -> str | None:
    value = (data.get(key) or "").strip()
    if required and not value:
        raise ValidationFailed({key: f"请填写{label}"})
    return value or None


def _not_future(day: date | None, key: str, today: date) -> None:
    if day is not None and day > today:
        raise ValidationFailed({key: "日期不能晚于今天"})


def open_mediation(
    session: Session, actor: User, case: Case, data: dict, today: date | None = None
) -> Mediation:
    """``data``: organisation, mediator, started_date, note."""
    begin_case_write(session, actor, case)
    today = today or clock_today()
    organisation = _text(data, "organisation", "调解组织")
    started = data.get("started_date") or today
    _not_future(started, "started_date", today)
    mediation = Mediation(
        case_id=case.id,
        organisation=organisation,
        mediator=_text(data, "mediator", "调解员", required=False),
        started_date=started,
        outcome=MediationOutcome.PENDING.value,
        note=_text(data, "note", "备注", required=False),
    )
    session.add(mediation)
    if case.stage == Stage.DEMAND:
        move_stage(session, actor, case, Stage.MEDIATION.value, f"申请诉前调解：{organisation}")
    session.flush()
    return mediation


def _open(session: Session, actor: User, mediation_id: int) -> tuple[Mediation, Case]:
    mediation = get_or_404(session, Mediation, mediation_id, "调解记录")
    case = get_or_404(session, Case, mediation.case_id, "案件")
    begin_case_write(session, actor, case)
    session.refresh(mediation)
    if MediationOutcome(mediation.outcome) in CLOSED:
        raise DomainError(
            "mediation_closed",
            f"该调解已结束（{MediationOutcome(mediation.outcome).label}），不能再修改",
        )
    return mediation, case


def add_session(
    session: Session, actor: User, mediation_id: int, data: dict, today: date | None = None
) -> MediationSession:
    """``data``: held_date, summary."""
    mediation, case = _open(session, actor, mediation_id)
    today = today or clock_today()
    held = data.get("held_date")
    if held is None:
        raise ValidationFailed({"held_date": "请填写调解日期"})
    _not_future(held, "held_date", today)
    if held < mediation.started_date:
        raise ValidationFailed({"held_date": "调解日期不能早于申请调解之日"})
    row = MediationSession(
        mediation_id=mediation.id,
        case_id=case.id,
        held_date=held,
        summary=_text(data, "summary", "调解情况"),
    )
    session.add(row)
    session.flush()
    return row


def end_mediation(
    session: Session, actor: User, mediation_id: int, data: dict, today: date | None = None
) -> Mediation:
    """Close without a confirmed agreement: ``data``: outcome (agreed/failed/withdrawn),
    ended_date, note. An agreement still waiting for the court's confirmation is ``agreed``
    (not closed: confirm it later)."""
    mediation, _case = _open(session, actor, mediation_id)
    today = today or clock_today()
    outcome = data.get("outcome")
    if outcome not in (
        MediationOutcome.AGREED,
        MediationOutcome.FAILED,
        MediationOutcome.WITHDRAWN,
    ):
        raise ValidationFailed({"outcome": "请选择调解结果（司法确认请登记确认裁定）"})
    ended = data.get("ended_date") or today
    _not_future(ended, "ended_date", today)
    mediation.outcome = outcome
    mediation.ended_date = ended
    if note := _text(data, "note", "备注", required=False):
        mediation.note = note
    session.flush()
    return mediation


def confirm_mediation(
    session: Session, actor: User, mediation_id: int, data: dict, today: date | None = None
) -> CourtEvent:
    """Record the court's confirmation (司法确认裁定) or mediation document as an enforceable
    court event: ``data`` the court event's fields (court_name, document_number,
    effective_date, performance_due, awarded_principal, awarded_interest, awarded_costs)."""
    mediation, case = _open(session, actor, mediation_id)
    fields = {k: v for k, v in data.items() if k != "kind"}
    event = add_court_event(
        session, actor, case, {**fields, "kind": "mediation_confirmed"}, today=today
    )
    mediation.court_event_id = event.id
    mediation.outcome = MediationOutcome.CONFIRMED.value
    mediation.ended_date = event.effective_date
    session.flush()
    return event


def case_mediations(session: Session, case_id: int, details: bool = True) -> list[Mediation]:
    """``details=False``: without the sessions and the court event (the case page's list)."""
    stmt = select(Mediation).where(Mediation.case_id == case_id)
    if details:
        stmt = stmt.options(selectinload(Mediation.sessions), selectinload(Mediation.court_event))
    return list(session.scalars(stmt.order_by(Mediation.started_date.desc(), Mediation.id.desc())))
