"""Court events: filing, end of proceedings, judgments and rulings, preservations, settlements."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.models import Case, CourtEvent, User

from .clock import today as clock_today
from .common import apply, begin_case_write
from .deadlines import refresh_case


def _check(data: dict, today: date) -> None:
    kind = data["kind"]
    errors = {}
    day = data.get("event_date")
    if kind in ("filing", "proceedings_ended", "preservation", "settlement"):
        if day is None:
            errors["event_date"] = "请填写日期"
        elif day > today:
            errors["event_date"] = "日期不能晚于今天"
    if kind in ("judgment", "ruling"):
        if not any(data.get(k) for k in ("served_date", "performance_due", "effective_date")):
            errors["served_date"] = "请至少填写送达日、履行期限或生效日之一"
        served = data.get("served_date")
        if served and served > today:
            errors["served_date"] = "送达日不能晚于今天"
    if kind == "preservation":
        if not data.get("asset_kind"):
            errors["asset_kind"] = "请选择被保全财产的类型"
        expires = data.get("expires_date")
        if expires and day and expires <= day:
            errors["expires_date"] = "保全期限届满日应晚于采取措施之日"
    if errors:
        raise ValidationFailed(errors)


def add_court_event(
    session: Session, actor: User, case: Case, data: dict, today: date | None = None
) -> CourtEvent:
    begin_case_write(session, actor, case)
    _check(data, today or clock_today())
    event = CourtEvent(case_id=case.id, user_id=actor.id, **data)
    session.add(event)
    refresh_case(session, case)
    session.flush()
    return event


def update_court_event(
    session: Session, actor: User, event: CourtEvent, data: dict, today: date | None = None
) -> CourtEvent:
    case = session.get(Case, event.case_id)
    begin_case_write(session, actor, case)
    current = {
        c: getattr(event, c)
        for c in (
            "kind",
            "event_date",
            "served_date",
            "performance_due",
            "effective_date",
            "asset_kind",
            "expires_date",
        )
    }
    _check({**current, **data}, today or clock_today())
    apply(event, data)
    refresh_case(session, case)
    session.flush()
    return event
