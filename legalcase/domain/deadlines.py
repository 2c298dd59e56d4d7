"""The deadline engine: a claim's facts in, its deadlines out (RULES.md sections 1-5).

Pure: dates and rules only. The calendar is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .calendar import WorkCalendar
from .periods import add_days, add_months, add_years
from .values import ASSET_KINDS, CLAIM_EVENT_TYPES, AssetKind, Jurisdiction

RUNNING, EXPIRED, IN_PROCEEDINGS = "running", "expired", "interrupted_by_proceedings"
SATISFIED, LOST = "satisfied", "lost"

# Plain string keys (the codes as stored) keep look-ups on the hot path fast.
_J = Jurisdiction
CN_JURISDICTIONS = {_J.CN.value: 3, _J.CN_INTL_SALE.value: 4}
# code: (years, events that restart the period, period starts at the end of the year)
FOREIGN: dict[str, tuple[int, frozenset[str], bool, str]] = {
    _J.DE.value: (3, frozenset({"acknowledgment", "part_payment"}), True, "BGB §§195, 199, 212"),
    _J.GB_EW.value: (
        6,
        frozenset({"acknowledgment", "part_payment"}),
        False,
        "Limitation Act 1980 s.5, s.29",
    ),
    _J.FR.value: (5, frozenset({"acknowledgment"}), False, "Code civil art. 2224, 2240"),
    _J.JP.value: (5, frozenset({"acknowledgment"}), False, "民法第166条、第152条"),
    _J.HK.value: (6, frozenset({"acknowledgment", "part_payment"}), False, "Cap. 347 s.4, s.23"),
    _J.SG.value: (
        6,
        frozenset({"acknowledgment", "part_payment"}),
        False,
        "Limitation Act s.6, s.26",
    ),
    _J.US_NY.value: (6, frozenset({"acknowledgment"}), False, "CPLR 213; GOL 17-101"),
    _J.US_CA.value: (4, frozenset({"acknowledgment"}), False, "CCP 337, 360"),
}
# Governing laws with a limitation rule above (values.JURISDICTIONS lists them for the forms).
JURISDICTIONS = frozenset(CN_JURISDICTIONS) | frozenset(FOREIGN)
EVENT_TYPES = frozenset(CLAIM_EVENT_TYPES)
_A = AssetKind
FREEZE_YEARS = {
    _A.BANK_DEPOSIT.value: 1,
    _A.MOVABLE.value: 2,
    _A.REAL_ESTATE.value: 3,
    _A.OTHER_RIGHT.value: 3,
}
ASSET_LABELS = ASSET_KINDS
EVENT_LABELS = {
    "demand": "催告送达",
    "acknowledgment": "债务人同意履行",
    "part_payment": "部分履行",
    "proceedings_started": "起诉/申请仲裁",
    "proceedings_ended": "程序终结",
    "settlement": "执行和解",
}


@dataclass(frozen=True, slots=True)
class Event:
    """One dated fact. Which fields matter depends on ``type`` (RULES.md section 7)."""

    type: str
    date: date | None = None
    party: str = "debtor"
    start: date | None = None
    end: date | None = None
    kind: str = "judgment"  # judgment | ruling
    served: date | None = None
    foreign_party: bool = False
    performance_due: date | None = None
    effective: date | None = None
    pre_suit: bool = False
    asset: str = AssetKind.BANK_DEPOSIT.value
    expires: date | None = None

    @property
    def when(self) -> date:
        """The day the event takes effect, for ordering."""
        if self.type == "obstacle":
            return self.end  # its effect is known when it ends
        if self.type == "judgment":
            return self.served or self.effective or self.performance_due
        return self.date


@dataclass(frozen=True, slots=True)
class Claim:
    jurisdiction: str
    due_date: date  # the due date, or the last instalment's
    events: tuple[Event, ...] = ()
    guarantee_type: str | None = None  # joint | general
    guarantee_period_end: date | None = None


@dataclass(slots=True)
class Deadline:
    kind: str
    date: date | None
    unadjusted_date: date | None
    provisional: bool
    status: str
    basis: str
    ref: int | None = None
    defence_waived: bool | None = field(default=None)


def _status(day: date | None, as_of: date) -> str:
    return EXPIRED if day is not None and as_of > day else RUNNING


def _rolled(cal: WorkCalendar, unadjusted: date) -> tuple[date, bool, str]:
    day, provisional = cal.roll_forward(unadjusted)
    note = (
        f"；{unadjusted}非工作日，顺延至{day}（民法典第203条、民事诉讼法第85条）"
        if day != unadjusted
        else ""
    )
    if provisional:
        note += "；该年度节假日安排未公布，暂按周末计算"
    return day, provisional, note


class _Restarts:
    """Interruptions in a row are summed up: how many, and the last one (which sets the date)."""

    __slots__ = ("count", "last")

    def __init__(self) -> None:
        self.count = 0
        self.last = ""

    def add(self, text: str) -> None:
        self.count += 1
        self.last = text

    def flush(self) -> str:
        if not self.count:
            return ""
        out = (
            f"；{self.last}"
            if self.count == 1
            else f"；经{self.count}次中断，最近一次：{self.last}"
        )
        self.count, self.last = 0, ""
        return out


def _ordered(events: tuple[Event, ...]) -> list[tuple[int, Event]]:
    return sorted(enumerate(events), key=lambda pair: pair[1].when)


def _limitation_cn(claim: Claim, ordered, as_of: date, cal: WorkCalendar) -> Deadline:
    years = CN_JURISDICTIONS[claim.jurisdiction]
    due = claim.due_date
    stop = add_years(due, 20)
    source = "民法典第594条（国际货物买卖四年）" if years == 4 else "民法典第188条"
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
            break  # later part payments and settlements act on enforcement
        t = e.when
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
        if e.type == "proceedings_started":
            if not in_proceedings and t <= end:
                in_proceedings = True
                say(f"{t}起诉/申请仲裁，时效中断，程序终结后重新计算（民法典第195条）")
            continue
        if e.type == "proceedings_ended":
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
    if in_proceedings:
        return Deadline(
            "limitation", None, None, False, IN_PROCEEDINGS, "".join(parts), None, waived
        )
    if end > stop:
        end, unadj, provisional, note = stop, min(unadj, stop), False, ""
        parts.append(f"；不超过自{due}起二十年（民法典第188条）")
    parts.append(note)
    return Deadline(
        "limitation", end, unadj, provisional, _status(end, as_of), "".join(parts), None, waived
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


def _preservation(idx: int, e: Event, ordered, as_of: date, cal: WorkCalendar) -> list[Deadline]:
    out = []
    if e.pre_suit:
        unadj = add_days(e.date, 30)
        day, provisional, note = _rolled(cal, unadj)
        sued = [
            o.when
            for _, o in ordered
            if o.type == "proceedings_started" and e.date <= o.when <= day
        ]
        status = SATISFIED if sued else _status(day, as_of)
        basis = f"诉前保全：{e.date}采取保全措施后三十日内须起诉或申请仲裁，否则解除保全（民事诉讼法第104条）"
        if sued:
            basis += f"；已于{sued[0]}起诉"
        out.append(
            Deadline("sue_after_preservation", day, unadj, provisional, status, basis + note, idx)
        )
    years = FREEZE_YEARS[e.asset]
    if e.expires is not None:
        expiry = e.expires
        basis = f"保全裁定载明的期限届满日{expiry}"
    else:
        expiry = add_days(add_years(e.date, years), -1)
        basis = f"{ASSET_LABELS[e.asset]}保全期限{years}年，自{e.date}起至{expiry}（民诉法解释第485条），不顺延"
    out.append(Deadline("freeze_expiry", expiry, expiry, False, _status(expiry, as_of), basis, idx))
    unadj = add_days(expiry, -7)
    day, provisional = cal.roll_backward(unadj)
    basis = f"应在保全期限届满七日前申请续行保全（财产保全规定第18条），即{unadj}前"
    if day != unadj:
        basis += f"；{unadj}非工作日，提前至{day}"
    if provisional:
        basis += "；该年度节假日安排未公布，暂按周末计算"
    out.append(
        Deadline(
            "freeze_renewal_apply_by", day, unadj, provisional, _status(day, as_of), basis, idx
        )
    )
    return out


def compute(
    claim: Claim, as_of: date, cal: WorkCalendar, *, limitation: bool = True, per_event: bool = True
) -> list[Deadline]:
    """Every deadline the facts give rise to, limitation first, then per-event ones in event order.

    ``limitation`` and ``per_event`` leave out parts a caller computes elsewhere.
    """
    ordered = _ordered(claim.events)
    domestic = claim.jurisdiction in CN_JURISDICTIONS
    out = []
    if limitation:
        if domestic:
            out.append(_limitation_cn(claim, ordered, as_of, cal))
        else:
            out.append(_limitation_foreign(claim, ordered, as_of))
    if domestic and claim.guarantee_type in ("joint", "general"):
        out.extend(_guarantee(claim, ordered, as_of, cal))
    if not per_event:
        return out
    for idx, e in enumerate(claim.events):
        if e.type == "judgment":
            out.extend(_judgment(idx, e, ordered, as_of, cal if domestic else _NO_ROLL))
        elif e.type == "preservation":
            out.extend(_preservation(idx, e, ordered, as_of, cal if domestic else _NO_ROLL))
    return out


class _NoRolling(WorkCalendar):
    """Outside China dates do not roll."""

    def __init__(self) -> None:
        super().__init__(set(), set(), set())

    def is_known(self, day: date) -> bool:
        return True

    def is_working_day(self, day: date) -> bool:
        return True


_NO_ROLL = _NoRolling()
