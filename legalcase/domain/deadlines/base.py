"""The engine's vocabulary: claims, events, deadlines, statuses and date rolling."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..calendar import WorkCalendar
from ..values import ASSET_KINDS, CLAIM_EVENT_TYPES, AssetKind, Jurisdiction

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
    "enforcement_applied": "申请强制执行",
    "enforcement_terminated": "终结执行裁定送达",
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
    outcome: str | None = None  # proceedings_ended: withdrawn | dismissed (without a judgment)
    # a demand on a guarantor: which one (None: every guarantor of the case)
    party_id: int | None = None
    # The receivables (debt keys) the event reaches: the ones a demand or statement names, the
    # ones a part payment is allocated to. None: every receivable (RULES.md section 2).
    debts: frozenset[str] | None = None

    def reaches(self, claim: Claim) -> bool:
        """Whether this event acts on ``claim``: it must reach every receivable the claim covers."""
        if self.debts is None or claim.debt_keys is None:
            return True
        return bool(claim.debt_keys) and claim.debt_keys <= self.debts

    def on_guarantor(self, claim: Claim) -> bool:
        """A demand made on the claim's guarantor (one addressed to no guarantor in
        particular reaches each of them)."""
        return (
            self.type == "demand"
            and self.party == "guarantor"
            and (self.party_id is None or claim.guarantor_id in (None, self.party_id))
        )

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
    guarantor_id: int | None = None  # the one guarantor the guarantee deadlines are for
    # The receivables this claim covers (matched against Event.debts); None: not distinguished.
    debt_keys: frozenset[str] | None = None


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

    @property
    def act_on(self) -> date | None:
        """The day countdowns, alerts and the ladder act on: while the date is provisional, the
        earlier of ``date`` and ``unadjusted_date`` (RULES.md section 1)."""
        if self.provisional and self.date and self.unadjusted_date:
            return min(self.date, self.unadjusted_date)
        return self.date


PROVISIONAL_NOTE = "；该年度放假安排尚未公布，暂按周末及法定节假日计算（调休未计），公布后重新计算"


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
        note += PROVISIONAL_NOTE
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


class _NoRolling(WorkCalendar):
    """Outside China dates do not roll."""

    def __init__(self) -> None:
        super().__init__(set(), set(), set())

    def is_known(self, day: date) -> bool:
        return True

    def is_working_day(self, day: date) -> bool:
        return True


_NO_ROLL = _NoRolling()
