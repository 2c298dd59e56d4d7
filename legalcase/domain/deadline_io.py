"""The calculator's JSON format (RULES.md section 7): parse and check input, render output."""

from __future__ import annotations

from datetime import date

from .deadlines import EVENT_TYPES, FREEZE_YEARS, JURISDICTIONS, Claim, Deadline, Event
from .errors import ValidationFailed
from .values import Addressee, AssetKind, GuaranteeType, JudgmentKind, ProceedingsOutcome


class _Reader:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def date(self, obj: dict, key: str, path: str, required: bool = True) -> date | None:
        value = obj.get(key)
        name = f"{path}{key}"
        if value is None:
            if required:
                self.errors[name] = "必填（日期，格式 YYYY-MM-DD）"
            return None
        if not isinstance(value, str):
            self.errors[name] = "应为日期字符串，格式 YYYY-MM-DD"
            return None
        try:
            if len(value) != 10:
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = f"日期无效：{value}（格式 YYYY-MM-DD，且须真实存在）"
            return None

    def choice(self, obj: dict, key: str, path: str, allowed, default=None):
        value = obj.get(key, default)
        if value not in allowed:
            self.errors[f"{path}{key}"] = (
                f"应为 {', '.join(sorted(map(str, allowed)))} 之一，收到 {value!r}"
            )
            return default
        return value

    def flag(self, obj: dict, key: str, path: str) -> bool:
        value = obj.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.errors[f"{path}{key}"] = "应为 true 或 false"
            return False
        return value


def parse_deadline_input(data: object) -> tuple[Claim, date]:
    """Check every field; raise ValidationFailed naming each bad one (e.g. ``events[2].date``)."""
    if not isinstance(data, dict):
        raise ValidationFailed({"": "输入应为 JSON 对象"})
    r = _Reader()
    jurisdiction = r.choice(data, "jurisdiction", "", JURISDICTIONS, "CN")
    as_of = r.date(data, "as_of", "")
    due = None
    if data.get("installments") is not None:
        items = data["installments"]
        if not isinstance(items, list) or not items:
            r.errors["installments"] = "应为非空的日期列表"
        else:
            dates = [r.date({"d": v}, "d", f"installments[{i}].") for i, v in enumerate(items)]
            for i in range(len(dates)):
                if f"installments[{i}].d" in r.errors:
                    r.errors[f"installments[{i}]"] = r.errors.pop(f"installments[{i}].d")
            good = [d for d in dates if d]
            due = max(good) if good and len(good) == len(dates) else None
    else:
        due = r.date(data, "due_date", "")
    g_type, g_end = None, None
    guarantee = data.get("guarantee")
    if guarantee is not None:
        if not isinstance(guarantee, dict):
            r.errors["guarantee"] = "应为对象 {type, period_end}"
        else:
            g_type = r.choice(
                guarantee, "type", "guarantee.", {GuaranteeType.JOINT, GuaranteeType.GENERAL}
            )
            g_end = r.date(guarantee, "period_end", "guarantee.", required=False)
    events = []
    raw_events = data.get("events", [])
    if not isinstance(raw_events, list):
        r.errors["events"] = "应为事件列表"
        raw_events = []
    for i, raw in enumerate(raw_events):
        p = f"events[{i}]."
        if not isinstance(raw, dict):
            r.errors[f"events[{i}]"] = "应为对象"
            continue
        kind = r.choice(raw, "type", p, EVENT_TYPES)
        if kind is None:
            continue
        events.append((i, _event(r, raw, kind, p)))
    _check_events(r, events)
    if r.errors:
        raise ValidationFailed(r.errors)
    claim = Claim(jurisdiction, due, tuple(e for _, e in events), g_type, g_end)
    return claim, as_of


def _check_events(r: _Reader, events: list[tuple[int, Event]]) -> None:
    """Checks across fields; ``i`` is the event's index in the input."""
    for i, e in events:
        if e.type == "obstacle" and e.start and e.end and e.end < e.start:
            r.errors[f"events[{i}].end"] = "障碍结束日不能早于开始日"
        if (
            e.type == "judgment"
            and e.served is None
            and e.performance_due is None
            and e.effective is None
        ):
            r.errors[f"events[{i}]"] = "判决/裁定至少需要 served、performance_due 或 effective 之一"


def _event(r: _Reader, raw: dict, kind: str, p: str) -> Event:
    if kind == "obstacle":
        return Event(kind, start=r.date(raw, "start", p), end=r.date(raw, "end", p))
    if kind == "judgment":
        return Event(
            kind,
            kind=r.choice(raw, "kind", p, set(JudgmentKind), JudgmentKind.JUDGMENT.value),
            served=r.date(raw, "served", p, required=False),
            foreign_party=r.flag(raw, "foreign_party", p),
            performance_due=r.date(raw, "performance_due", p, required=False),
            effective=r.date(raw, "effective", p, required=False),
        )
    if kind == "preservation":
        return Event(
            kind,
            date=r.date(raw, "date", p),
            pre_suit=r.flag(raw, "pre_suit", p),
            asset=r.choice(raw, "asset", p, set(FREEZE_YEARS), AssetKind.BANK_DEPOSIT.value),
            expires=r.date(raw, "expires", p, required=False),
        )
    if kind == "proceedings_ended":
        outcome = raw.get("outcome")
        if outcome is not None:
            outcome = r.choice(raw, "outcome", p, set(ProceedingsOutcome))
        return Event(kind, date=r.date(raw, "date", p), outcome=outcome)
    party = (
        r.choice(raw, "party", p, set(Addressee), Addressee.DEBTOR.value)
        if kind == "demand"
        else Addressee.DEBTOR.value
    )
    return Event(kind, date=r.date(raw, "date", p), party=party)


def deadline_json(d: Deadline) -> dict:
    out = {
        "kind": d.kind,
        "date": d.date.isoformat() if d.date else None,
        "unadjusted_date": d.unadjusted_date.isoformat() if d.unadjusted_date else None,
        "provisional": d.provisional,
        "status": d.status,
        "basis": d.basis,
        "ref": d.ref,
    }
    if d.kind == "limitation":
        out["defence_waived"] = bool(d.defence_waived)
    return out


def output_json(deadlines: list[Deadline]) -> dict:
    return {"deadlines": [deadline_json(d) for d in deadlines]}
