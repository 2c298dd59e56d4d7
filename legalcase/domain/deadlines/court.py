"""After a judgment: appeal and enforcement periods (RULES.md section 4)."""

from __future__ import annotations

from datetime import date

from ..calendar import WorkCalendar
from ..periods import add_days, add_months, add_years
from .base import (
    EVENT_LABELS,
    SATISFIED,
    Deadline,
    Event,
    _rolled,
    _status,
)

# Events after service of a judgment that restart the 2-year enforcement period (CPL 250(1);
# 执行程序解释 20): a demand that reached the debtor, the debtor's acknowledgment or agreement to
# perform, part performance, an enforcement settlement.
ENFORCEMENT_RESTARTS = frozenset({"demand", "acknowledgment", "part_payment", "settlement"})


def _appeal(idx: int, e: Event, as_of: date, cal: WorkCalendar) -> Deadline:
    if e.foreign_party:
        days, why = 30, "在中华人民共和国领域内没有住所的当事人，三十日（民事诉讼法第286条）"
    elif e.kind == "ruling":
        days, why = 10, "不服裁定，送达之日起十日内上诉（民事诉讼法第171条）"
    else:
        days, why = 15, "不服判决，送达之日起十五日内上诉（民事诉讼法第171条）"
    unadj = add_days(e.served, days)
    day, provisional, note = _rolled(cal, unadj)
    return Deadline(
        "appeal", day, unadj, provisional, _status(day, as_of), f"{e.served}送达；{why}{note}", idx
    )


def _after(idx: int, e: Event, ordered) -> list[Event]:
    """The events after this judgment (after its service, if known) and before the next one."""
    start = e.served or e.when
    out, mine = [], False
    for j, other in ordered:
        if j == idx:
            mine = True
            continue
        if not mine:
            continue
        if other.type == "judgment":
            break
        if other.when > start or (other.type == "obstacle" and other.start > start):
            out.append(other)
    return out


def _judgment(idx: int, e: Event, ordered, as_of: date, cal: WorkCalendar) -> list[Deadline]:
    out = []
    if e.served is not None:
        out.append(_appeal(idx, e, as_of, cal))
    base = e.performance_due or e.effective
    if base is None:
        return out
    what = "履行期限最后一日" if e.performance_due else "法律文书生效之日"
    unadj = add_years(base, 2)
    day, provisional, note = _rolled(cal, unadj)
    basis = f"申请执行期间二年，自{what}（{base}）起算（民事诉讼法第250条）"
    applied = None
    for other in _after(idx, e, ordered):
        t = other.when
        if other.type == "enforcement_applied":
            if t <= day:
                applied = t
                break
            continue
        if other.type == "obstacle":
            if other.start > day or other.end < add_months(day, -6):
                continue
            new = add_months(other.end, 6)
            if new > unadj:
                unadj = new
                day, provisional, note = _rolled(cal, unadj)
                basis += (
                    f"；{other.start}至{other.end}的障碍发生在最后六个月内，申请执行时效中止，"
                    "障碍消除后六个月届满（民事诉讼法第250条、民法典第194条）"
                )
            continue
        if other.type not in ENFORCEMENT_RESTARTS:
            continue
        if other.type == "demand" and other.party != "debtor":
            continue
        if t <= day:
            new = add_years(t, 2)
            if new > unadj:
                unadj = new
                day, provisional, note = _rolled(cal, unadj)
                basis += (
                    f"；{t}{EVENT_LABELS[other.type]}，申请执行时效中断，重新计算二年"
                    "（民事诉讼法第250条、执行程序解释第20条）"
                )
    if applied is not None:
        status = SATISFIED
        basis += f"；已于{applied}申请强制执行（法院收到），期间已遵守"
    else:
        status = _status(day, as_of)
    out.append(
        Deadline("enforcement_application", day, unadj, provisional, status, basis + note, idx)
    )
    return out
