"""The guarantee period and the guarantor's own limitation (RULES.md section 3)."""

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


def _period(claim: Claim) -> tuple[date, str]:
    due = claim.due_date
    agreed = claim.guarantee_period_end
    if agreed is not None and agreed > due:
        return agreed, f"约定的保证期间至{agreed}（民法典第692条），不中止、中断或延长"
    why = "约定早于或同于主债务履行期限届满" if agreed is not None else "未约定"
    end = add_months(due, 6)
    return (
        end,
        f"保证期间{why}，为主债务履行期限届满之日（{due}）起六个月（民法典第692条），不中止、中断或延长",
    )


def _general_kept(ordered, end: date) -> tuple[date | None, str]:
    """The start of proceedings against the debtor that keep a general guarantee, if any.

    Proceedings started within the period keep it unless they ended without a judgment
    (withdrawn, dismissed) and none were started again within the period (担保制度解释 31(1)).
    """
    kept: date | None = None
    note = ""
    for _, e in ordered:
        t = e.when
        if e.type == "proceedings_started" and t <= end and kept is None:
            kept, note = t, f"已于{t}对债务人起诉/申请仲裁"
        elif e.type == "proceedings_ended" and kept is not None:
            kept = None
            note = f"；{t}程序终结未作判决（撤诉/驳回），保证期间内未再起诉的，保证责任不再承担（担保制度解释第31条）"
        elif e.type == "judgment" and kept is not None:
            break  # proceedings that ended in a judgment keep the guarantee
    return kept, note


def _guarantee(claim: Claim, ordered, as_of: date, cal: WorkCalendar) -> list[Deadline]:
    end, basis = _period(claim)
    if claim.guarantee_type == "joint":
        hits = [e.when for _, e in ordered if e.on_guarantor(claim) and e.when <= end]
        kept = hits[0] if hits else None
        met = (
            "已在保证期间内向保证人主张权利"
            if hits
            else "须在保证期间内向连带责任保证人主张权利（民法典第693条）"
        )
    else:
        kept, note = _general_kept(ordered, end)
        if kept is not None:
            met = note
        else:
            met = (note.lstrip("；") + "；" if note else "") + (
                "须在保证期间内对债务人起诉或申请仲裁（民法典第693条）"
            )
    status = SATISFIED if kept is not None else (LOST if as_of > end else RUNNING)
    out = [Deadline("guarantee_period", end, end, False, status, f"{basis}；{met}")]
    if kept is None:
        return out
    if claim.guarantee_type == "joint":
        start = kept
        basis = f"连带责任保证：保证人的诉讼时效自{start}向保证人主张之日起算三年（民法典第694条）"
    else:
        start, basis = _general_start(ordered)
        if start is None:
            out.append(Deadline("guarantor_limitation", None, None, False, RUNNING, basis))
            return out
    out.append(_guarantor_limitation(claim, ordered, start, basis, as_of, cal))
    return out


def _general_start(ordered) -> tuple[date | None, str]:
    """When the general guarantor's defence of prior enforcement ends (CC 694(1); 担保制度解释 28)."""
    applied = next((e.when for _, e in ordered if e.type == "enforcement_applied"), None)
    ended = next((e.when for _, e in ordered if e.type == "enforcement_terminated"), None)
    year_after = add_years(applied, 1) if applied is not None else None
    if ended is not None and (year_after is None or ended <= year_after):
        return ended, (
            f"一般保证：保证人的诉讼时效自终结执行裁定送达债权人之日（{ended}）起算三年"
            "（民法典第694条、担保制度解释第28条）"
        )
    if year_after is not None:
        return year_after, (
            f"一般保证：法院{applied}收到执行申请，一年内未作出终结执行裁定，"
            f"保证人的诉讼时效自{year_after}起算三年（民法典第694条、担保制度解释第28条）"
        )
    return None, (
        "一般保证：保证人的诉讼时效自先诉抗辩权消灭之日起算（终结执行裁定送达，"
        "或法院收到执行申请满一年），尚未发生（民法典第694条、担保制度解释第28条）"
    )


def _guarantor_limitation(
    claim: Claim, ordered, start: date, basis: str, as_of: date, cal
) -> Deadline:
    unadj = add_years(start, 3)
    g_end, provisional, note = _rolled(cal, unadj)
    for _, e in ordered:
        t = e.when
        if e.on_guarantor(claim) and start < t <= g_end:
            new = add_years(t, 3)
            if new > unadj:
                unadj = new
                g_end, provisional, note = _rolled(cal, unadj)
                basis += f"；{t}再次向保证人催告，重新计算"
    return Deadline(
        "guarantor_limitation", g_end, unadj, provisional, _status(g_end, as_of), basis + note
    )
