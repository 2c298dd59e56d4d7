"""After a judgment: appeal and enforcement periods."""

from __future__ import annotations

from datetime import date

from ..calendar import WorkCalendar
from ..periods import add_days, add_years
from .base import (
    EVENT_LABELS,
    Deadline,
    Event,
    _rolled,
    _status,
)


def _judgment(idx: int, e: Event, ordered, as_of: date, cal: WorkCalendar) -> list[Deadline]:
    out = []
    if e.served is not None:
        if e.foreign_party:
            days, why = 30, "在中华人民共和国领域内没有住所的当事人，三十日（民事诉讼法第286条）"
        elif e.kind == "ruling":
            days, why = 10, "不服裁定，送达之日起十日内上诉（民事诉讼法第171条）"
        else:
            days, why = 15, "不服判决，送达之日起十五日内上诉（民事诉讼法第171条）"
        unadj = add_days(e.served, days)
        day, provisional, note = _rolled(cal, unadj)
        out.append(
            Deadline(
                "appeal",
                day,
                unadj,
                provisional,
                _status(day, as_of),
                f"{e.served}送达；{why}{note}",
                idx,
            )
        )
    base = e.performance_due or e.effective
    if base is not None:
        what = "履行期限最后一日" if e.performance_due else "法律文书生效之日"
        unadj = add_years(base, 2)
        day, provisional, note = _rolled(cal, unadj)
        basis = f"申请执行期间二年，自{what}（{base}）起算（民事诉讼法第250条）"
        # part performance or an enforcement settlement after this judgment restarts the 2 years
        mine = False
        for j, other in ordered:
            if j == idx:
                mine = True
                continue
            if not mine:
                continue
            if other.type == "judgment":
                break
            t = other.when
            if other.type in ("part_payment", "settlement") and t <= day:
                new = add_years(t, 2)
                if new > unadj:
                    unadj = new
                    day, provisional, note = _rolled(cal, unadj)
                    basis += f"；{t}{EVENT_LABELS[other.type]}，申请执行时效中断，重新计算二年"
        out.append(
            Deadline(
                "enforcement_application",
                day,
                unadj,
                provisional,
                _status(day, as_of),
                basis + note,
                idx,
            )
        )
    return out
