"""Court events: filing, end of proceedings, judgments and rulings, preservations, settlements."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from legalcase.domain.court_fields import FLAGS, KIND_FIELDS, stray_fields
from legalcase.domain.errors import ValidationFailed
from legalcase.domain.values import COURT_EVENT_KINDS
from legalcase.models import Case, CourtEvent, User

from .balances import refresh_balances
from .clock import today as clock_today
from .common import apply, begin_case_write
from .deadlines import refresh_case
from .judgments import MONEY_JUDGMENT_KINDS

DATED_KINDS = (
    "filing",
    "proceedings_ended",
    "preservation",
    "settlement",
    "enforcement_applied",
    "enforcement_terminated",
)


def _check(data: dict, today: date) -> None:
    kind = data["kind"]
    errors = {}
    day = data.get("event_date")
    if kind in DATED_KINDS:
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
    if kind == "mediation_confirmed" and not data.get("effective_date"):
        errors["effective_date"] = "请填写司法确认裁定（调解书）的生效日"
    _check_award(data, errors)
    if kind == "preservation":
        if not data.get("asset_kind"):
            errors["asset_kind"] = "请选择被保全财产的类型"
        expires = data.get("expires_date")
        if expires and day and expires <= day:
            errors["expires_date"] = "保全期限届满日应晚于采取措施之日"
    if errors:
        raise ValidationFailed(errors)


AWARD_FIELDS = ("awarded_principal", "awarded_interest", "awarded_costs")
AWARD_ONLY = "只有判决书、裁定书（含调解书）可登记判决金额"


def _check_award(data: dict, errors: dict) -> None:
    """What a judgment awarded (issue 12 point 3): amounts, effective and performance dates."""
    effective, due = data.get("effective_date"), data.get("performance_due")
    if effective and due and due < effective:
        errors["performance_due"] = "履行期限最后一日不能早于生效日"
    given = [f for f in AWARD_FIELDS if data.get(f) is not None]
    if not given:
        return
    if data["kind"] not in MONEY_JUDGMENT_KINDS:
        for f in given:
            errors[f] = AWARD_ONLY
        return
    for f in given:
        if data[f] < 0:
            errors[f] = "金额不能为负数"
    if data.get("awarded_principal") is None:
        errors["awarded_principal"] = "登记判决金额时请填写判决确定的本金"
    elif data["awarded_principal"] <= 0 and "awarded_principal" not in errors:
        errors["awarded_principal"] = "判决确定的本金须大于 0"
    if not effective:
        errors["effective_date"] = "登记判决金额时请填写生效日（此后的回款冲抵判决款项）"
    if not due:
        errors["performance_due"] = "登记判决金额时请填写履行期限最后一日（迟延履行利息自次日起算）"


def _refuse_stray(kind: str, data: dict) -> None:
    """A field the kind has no use for is refused by name, not silently stored."""
    stray = stray_fields(kind, data)
    if stray:
        what = COURT_EVENT_KINDS.get(kind, kind)
        raise ValidationFailed(
            {
                f: AWARD_ONLY if f in AWARD_FIELDS else f"“{what}”不需要填写此项，请留空"
                for f in stray
            }
        )


def add_court_event(
    session: Session, actor: User, case: Case, data: dict, today: date | None = None
) -> CourtEvent:
    begin_case_write(session, actor, case)
    _refuse_stray(data["kind"], data)
    _check(data, today or clock_today())
    event = CourtEvent(case_id=case.id, user_id=actor.id, **data)
    session.add(event)
    refresh_balances(case)  # a money judgment sets the amount owed (balances.figures_of)
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
            *AWARD_FIELDS,
        )
    }
    kind = data.get("kind", event.kind)
    _refuse_stray(kind, data)
    if kind != event.kind:  # what the old kind recorded and the new one has no use for goes
        own = KIND_FIELDS.get(kind, ())
        for name in {f for fields in KIND_FIELDS.values() for f in fields} - set(own):
            if name not in data:
                data = {**data, name: False if name in FLAGS else None}
    _check({**current, **data}, today or clock_today())
    apply(event, data)
    refresh_balances(case)  # a money judgment sets the amount owed (balances.figures_of)
    refresh_case(session, case)
    session.flush()
    return event
