"""Limitation periods: Chinese law (with interruption, suspension, the 20-year stop, the
GPCL transition) and foreign laws."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..calendar import WorkCalendar
from ..periods import add_months, add_years
from .base import (
    CN_JURISDICTIONS,
    EVENT_LABELS,
    EXPIRED,
    FOREIGN,
    IN_PROCEEDINGS,
    Claim,
    Deadline,
    _Restarts,
    _rolled,
    _status,
)

# The Civil Code's 3 years apply to claims whose old 2-year period (GPCL 135) was still
# running on this day (法释〔2018〕12号 arts. 2-3).
CIVIL_CODE_ERA = date(2017, 10, 1)
STARTS = ("proceedings_started", "enforcement_applied")  # before any judgment
ENDS = ("proceedings_ended", "enforcement_terminated")


@dataclass
class _Run:
    end: date
    unadj: date
    provisional: bool
    note: str
    parts: list[str]
    in_proceedings: bool
    waived: bool


def _run(claim: Claim, ordered, cal: WorkCalendar, years: int, source: str, until=None) -> _Run:
    """The period of ``years`` from the due date through the events (those before ``until``)."""
    due = claim.due_date
    parts = [f"{source}：自{due}起算{years}年"]
    restarts = _Restarts()

    def say(text: str) -> None:
        """A note in date order, after the interruptions summed up so far."""
        parts.append(restarts.flush())
        parts.append(f"；{text}")

    unadj = add_years(due, years)
    end, provisional, note = _rolled(cal, unadj)
    in_proceedings = False
    waived = False
    for _, e in ordered:
        if e.type == "judgment":
            break  # later events act on the enforcement period, never on limitation
        t = e.when
        if until is not None and t >= until:
            break
        if e.type == "obstacle":
            if in_proceedings or e.start > end or e.end < add_months(end, -6):
                continue
            new = add_months(e.end, 6)
            if new > unadj:
                unadj = new
                end, provisional, note = _rolled(cal, unadj)
                say(
                    f"{e.start}至{e.end}的障碍发生在最后六个月内，时效中止，障碍消除后六个月届满（民法典第194条）"
                )
            continue
        if e.type in STARTS:
            if not in_proceedings and t <= end:
                in_proceedings = True
                what = "起诉/申请仲裁" if e.type == STARTS[0] else "申请强制执行"
                say(f"{t}{what}，时效中断，程序终结后重新计算（民法典第195条）")
            continue
        if e.type in ENDS:
            if in_proceedings:
                in_proceedings = False
                unadj = add_years(t, years)
                end, provisional, note = _rolled(cal, unadj)
                say(f"{t}程序终结，重新计算{years}年")
            continue
        if in_proceedings:
            continue
        if e.type in ("acknowledgment", "part_payment") or (
            e.type == "demand" and e.party == "debtor"
        ):
            if t <= end:
                new = add_years(t, years)
                if new > unadj:
                    unadj = new
                    end, provisional, note = _rolled(cal, unadj)
                    restarts.add(
                        f"{t}{EVENT_LABELS[e.type]}，时效中断，重新计算{years}年（民法典第195条）"
                    )
            elif e.type != "demand":
                waived = True
                say(
                    f"时效届满后{t}{EVENT_LABELS[e.type]}，债务人不得再以时效抗辩（诉讼时效规定第19条）"
                )
    parts.append(restarts.flush())
    return _Run(end, unadj, provisional, note, parts, in_proceedings, waived)


def _limitation_cn(claim: Claim, ordered, as_of: date, cal: WorkCalendar) -> Deadline:
    years = CN_JURISDICTIONS[claim.jurisdiction]
    due = claim.due_date
    if years == 3 and due < CIVIL_CODE_ERA:
        old = _gpcl(claim, ordered, cal)
        if old is not None:
            return old
    source = "民法典第594条（国际货物买卖四年）" if years == 4 else "民法典第188条"
    run = _run(claim, ordered, cal, years, source)
    parts = run.parts
    if years == 3 and due < CIVIL_CODE_ERA:
        parts.insert(
            1,
            "；原二年诉讼时效期间（民法通则第135条）至2017-10-01尚未届满，适用三年（法释〔2018〕12号第2条）",
        )
    if run.in_proceedings:
        return Deadline(
            "limitation", None, None, False, IN_PROCEEDINGS, "".join(parts), None, run.waived
        )
    stop = add_years(due, 20)
    end, unadj, provisional, note = run.end, run.unadj, run.provisional, run.note
    if end > stop:
        end, unadj, provisional, note = stop, min(unadj, stop), False, ""
        parts.append(f"；不超过自{due}起二十年（民法典第188条）")
    parts.append(note)
    return Deadline(
        "limitation", end, unadj, provisional, _status(end, as_of), "".join(parts), None, run.waived
    )


def _gpcl(claim: Claim, ordered, cal: WorkCalendar) -> Deadline | None:
    """A claim due before 2017-10-01 whose 2-year period (GPCL 135) ended before that day stays
    expired; later demands do nothing, a later acknowledgment or part payment waives the defence.
    None when the old period was still running on 2017-10-01 (the 3-year rules apply)."""
    run = _run(claim, ordered, cal, 2, "民法通则第135条", until=CIVIL_CODE_ERA)
    if run.in_proceedings or run.end >= CIVIL_CODE_ERA:
        return None
    parts = run.parts
    parts.append(run.note)
    parts.append(
        f"；二年诉讼时效期间于{run.end}届满，早于2017-10-01，不适用民法总则三年（法释〔2018〕12号第2条、第3条）"
    )
    waived = False
    for _, e in ordered:
        if e.type == "judgment":
            break
        t = e.when
        if t >= CIVIL_CODE_ERA and e.type in ("acknowledgment", "part_payment"):
            waived = True
            parts.append(
                f"；时效届满后{t}{EVENT_LABELS[e.type]}，债务人不得再以时效抗辩（诉讼时效规定第19条）"
            )
            break
    return Deadline(
        "limitation",
        run.end,
        run.unadj,
        run.provisional,
        EXPIRED,
        "".join(parts),
        None,
        waived or run.waived,
    )


def _limitation_foreign(claim: Claim, ordered, as_of: date) -> Deadline:
    years, restarts, year_end, source = FOREIGN[claim.jurisdiction]
    due = claim.due_date
    if year_end:
        end = date(due.year + years, 12, 31)
        basis = f"{source}：自{due.year}年末起算{years}年"
    else:
        end = add_years(due, years)
        basis = f"{source}：自{due}起算{years}年"
    in_proceedings = False
    for _, e in ordered:
        if e.type == "judgment":
            break
        t = e.when
        if e.type == "proceedings_started" and t <= end:
            in_proceedings = True
        elif e.type in restarts and not in_proceedings and t <= end:
            new = add_years(t, years)
            if new > end:
                end = new
                basis += f"；{t}{EVENT_LABELS[e.type]}，重新计算{years}年"
    if in_proceedings:
        return Deadline(
            "limitation", None, None, False, IN_PROCEEDINGS, basis + "；已起诉", None, False
        )
    return Deadline(
        "limitation",
        end,
        end,
        False,
        _status(end, as_of),
        basis + "（不按节假日顺延）",
        None,
        False,
    )
