"""The guarantee period and the guarantor's own limitation."""

from __future__ import annotations

from datetime import date

from ..calendar import WorkCalendar
from ..periods import add_months, add_years
from .base import (
    LOST,
    RUNNING,
    SATISFIED,
    Claim,
    Deadline,
    _rolled,
    _status,
)


def _guarantee(claim: Claim, ordered, as_of: date, cal: WorkCalendar) -> list[Deadline]:
    due = claim.due_date
    agreed = claim.guarantee_period_end
    if agreed is not None and agreed > due:
        end = agreed
        basis = f"约定的保证期间至{agreed}（民法典第692条），不中止、中断或延长"
    else:
        end = add_months(due, 6)
        why = "约定早于或同于主债务履行期限届满" if agreed is not None else "未约定"
        basis = f"保证期间{why}，为主债务履行期限届满之日（{due}）起六个月（民法典第692条），不中止、中断或延长"
    out = []
    if claim.guarantee_type == "joint":
        hits = [
            e.when
            for _, e in ordered
            if e.type == "demand" and e.party == "guarantor" and e.when <= end
        ]
        met = (
            "已在保证期间内向保证人主张权利"
            if hits
            else "须在保证期间内向连带责任保证人主张权利（民法典第693条）"
        )
    else:
        hits = [e.when for _, e in ordered if e.type == "proceedings_started" and e.when <= end]
        met = (
            "已在保证期间内对债务人起诉/申请仲裁"
            if hits
            else "须在保证期间内对债务人起诉或申请仲裁（民法典第693条）"
        )
    status = SATISFIED if hits else (LOST if as_of > end else RUNNING)
    out.append(Deadline("guarantee_period", end, end, False, status, f"{basis}；{met}"))
    if claim.guarantee_type == "joint" and hits:
        start = hits[0]
        unadj = add_years(start, 3)
        g_end, provisional, note = _rolled(cal, unadj)
        basis = f"连带责任保证：保证人的诉讼时效自{start}向保证人主张之日起算三年（民法典第694条）"
        for _, e in ordered:
            t = e.when
            if e.type == "demand" and e.party == "guarantor" and start < t <= g_end:
                new = add_years(t, 3)
                if new > unadj:
                    unadj = new
                    g_end, provisional, note = _rolled(cal, unadj)
                    basis += f"；{t}再次向保证人催告，重新计算"
        out.append(
            Deadline(
                "guarantor_limitation",
                g_end,
                unadj,
                provisional,
                _status(g_end, as_of),
                basis + note,
            )
        )
    return out
