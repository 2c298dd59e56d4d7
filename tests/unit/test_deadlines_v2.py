"""RULES.md v2 in the deadline engine: unpublished years, the GPCL transition, which receivables
an event reaches, the general guarantee, the enforcement period; and the v2 invariants."""

import json
from datetime import date

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalcase.domain.calendar import china_calendar
from legalcase.domain.deadlines import Claim, Event, compute
from tests.conftest import SHARED
from tests.unit.test_deadlines import VECTORS, assert_matches, one, run

CAL = china_calendar()
V2 = json.loads((SHARED / "legal" / "vectors-v2-public.json").read_text(encoding="utf-8"))
ALL_VECTORS = VECTORS + V2  # the 20 public deadline vectors


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=[v["name"] for v in ALL_VECTORS])
def test_all_public_vectors(vector):
    assert_matches(vector["expect"], run(vector["input"]))


def test_an_unpublished_year_has_its_statutory_holidays_and_no_guessed_substitutes():
    assert not CAL.is_working_day(date(2027, 2, 5))  # 除夕, a Friday
    assert not CAL.is_working_day(date(2027, 4, 5))  # 清明 (solar term), a Monday
    assert not CAL.is_working_day(date(2027, 9, 15))  # 中秋, a Wednesday
    assert CAL.is_working_day(date(2027, 10, 4))  # no guessed substitute day off
    assert CAL.roll_forward(date(2027, 10, 1)) == (date(2027, 10, 4), True)
    # a published year keeps its make-up working Saturday and its substitute days off
    assert CAL.is_working_day(date(2026, 10, 10)) and not CAL.is_working_day(date(2026, 10, 7))
    out = run({"jurisdiction": "CN", "as_of": "2026-11-25", "due_date": "2024-10-01"})
    lim = one(out, "limitation")
    assert (lim["unadjusted_date"], lim["date"], lim["provisional"]) == (
        "2027-10-01",
        "2027-10-04",
        True,
    )
    assert "放假安排尚未公布" in lim["basis"]


def test_gpcl_period_running_on_1_october_2017_becomes_three_years_from_the_last_interruption():
    # due 2015-03-01; a demand on 2016-12-01 restarts two years (to 2018-12-01): still running
    # on 2017-10-01, so three years from the demand: 2019-12-01, a Sunday -> 2019-12-02
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2019-01-01",
            "due_date": "2015-03-01",
            "events": [{"type": "demand", "date": "2016-12-01", "party": "debtor"}],
        }
    )
    lim = one(out, "limitation")
    assert (lim["date"], lim["unadjusted_date"], lim["status"]) == (
        "2019-12-02",
        "2019-12-01",
        "running",
    )
    assert "法释〔2018〕12号" in lim["basis"]


def test_gpcl_expired_claim_ignores_later_demands_and_is_not_waived_by_them():
    base = {"jurisdiction": "CN", "as_of": "2026-11-25", "due_date": "2014-11-20"}
    out = run({**base, "events": [{"type": "demand", "date": "2018-03-01", "party": "debtor"}]})
    lim = one(out, "limitation")
    assert (lim["date"], lim["status"], lim["defence_waived"]) == ("2016-11-21", "expired", False)
    assert "民法通则第135条" in lim["basis"]
    # a demand within the old period restarts two years (to 2018-06-01): running on 2017-10-01,
    # so three years from the demand
    out = run({**base, "events": [{"type": "demand", "date": "2016-06-01", "party": "debtor"}]})
    lim = one(out, "limitation")
    assert (lim["unadjusted_date"], lim["status"]) == ("2019-06-01", "expired")


def test_an_event_reaches_only_the_receivables_it_names():
    due = date(2023, 1, 31)
    named_b = Event("demand", date=date(2025, 6, 3), debts=frozenset({"B"}))
    paid_ab = Event("part_payment", date=date(2025, 9, 1), debts=frozenset({"A", "B"}))
    everyone = Event("acknowledgment", date=date(2025, 3, 3))
    as_of = date(2025, 12, 1)

    def limitation(keys, *events):
        (lim,) = compute(Claim("CN", due, events, debt_keys=keys), as_of, CAL)
        return lim.unadjusted_date

    assert limitation(frozenset({"A"}), named_b) == date(2026, 1, 31)  # B's demand: not A's
    assert limitation(frozenset({"B"}), named_b) == date(2028, 6, 3)
    assert limitation(frozenset({"A"}), named_b, paid_ab) == date(2028, 9, 1)
    assert limitation(frozenset({"A"}), everyone) == date(2028, 3, 3)  # debts None: all
    # a claim over A and C is reached only by an event that reaches both (the safe side)
    assert limitation(frozenset({"A", "C"}), paid_ab) == date(2026, 1, 31)
    # a caller that does not distinguish receivables sees every event (v1 behaviour)
    assert limitation(None, named_b) == date(2028, 6, 3)


GENERAL = {
    "jurisdiction": "CN",
    "due_date": "2025-01-31",
    "guarantee": {"type": "general", "period_end": None},
}


def test_general_guarantee_refiled_within_the_period_is_kept_and_waits_until_the_period_ends():
    withdrawn = [
        {"type": "proceedings_started", "date": "2025-03-01"},
        {"type": "proceedings_ended", "date": "2025-04-01", "outcome": "withdrawn"},
    ]
    g = one(run({**GENERAL, "as_of": "2025-05-01", "events": withdrawn}), "guarantee_period")
    assert g["status"] == "running" and "担保制度解释第31条" in g["basis"]
    refiled = [*withdrawn, {"type": "proceedings_started", "date": "2025-07-01"}]
    g = one(run({**GENERAL, "as_of": "2025-12-01", "events": refiled}), "guarantee_period")
    assert g["status"] == "satisfied"
    # proceedings that ended in a judgment keep it
    judged = [
        {"type": "proceedings_started", "date": "2025-03-01"},
        {"type": "judgment", "served": "2025-06-02", "performance_due": "2025-06-20"},
        {"type": "proceedings_ended", "date": "2025-06-20"},
    ]
    g = one(run({**GENERAL, "as_of": "2025-12-01", "events": judged}), "guarantee_period")
    assert g["status"] == "satisfied"


def test_general_guarantor_limitation_one_year_after_the_application_or_no_date():
    events = [
        {"type": "proceedings_started", "date": "2025-03-01"},
        {"type": "judgment", "served": "2025-06-02", "performance_due": "2025-06-20"},
    ]
    out = run({**GENERAL, "as_of": "2025-12-01", "events": events})
    gl = one(out, "guarantor_limitation")
    assert (gl["date"], gl["status"]) == (None, "running")
    applied = [*events, {"type": "enforcement_applied", "date": "2025-07-10"}]
    gl = one(run({**GENERAL, "as_of": "2025-12-01", "events": applied}), "guarantor_limitation")
    # no ruling ending enforcement within a year: 2026-07-10 + 3 years = 2029-07-10 (Tuesday)
    assert (gl["unadjusted_date"], gl["provisional"]) == ("2029-07-10", True)
    late_ruling = [*applied, {"type": "enforcement_terminated", "date": "2026-09-01"}]
    gl = one(run({**GENERAL, "as_of": "2026-11-01", "events": late_ruling}), "guarantor_limitation")
    assert gl["unadjusted_date"] == "2029-07-10"  # the year had already run


JUDGED = {
    "jurisdiction": "CN",
    "as_of": "2026-11-25",
    "due_date": "2023-03-31",
    "events": [
        {"type": "proceedings_started", "date": "2023-09-01"},
        {"type": "judgment", "served": "2024-06-03", "performance_due": "2024-06-20"},
    ],
}


def test_enforcement_period_suspension_late_application_and_who_restarts_it():
    def enforcement(*extra):
        return one(
            run({**JUDGED, "events": [*JUDGED["events"], *extra]}), "enforcement_application"
        )

    assert enforcement()["unadjusted_date"] == "2026-06-20"
    # an obstacle in the last six months: ends six months after it ends
    e = enforcement({"type": "obstacle", "start": "2026-03-01", "end": "2026-04-30"})
    assert e["unadjusted_date"] == "2026-10-30" and "中止" in e["basis"]
    # an acknowledgment restarts two years; a demand on the guarantor does not
    assert enforcement({"type": "acknowledgment", "date": "2025-05-06"})["unadjusted_date"] == (
        "2027-05-06"
    )
    e = enforcement({"type": "demand", "date": "2025-05-06", "party": "guarantor"})
    assert e["unadjusted_date"] == "2026-06-20"
    # filed after the period ended: not satisfied
    e = enforcement({"type": "enforcement_applied", "date": "2026-08-03"})
    assert e["status"] == "expired"
    e = enforcement({"type": "enforcement_applied", "date": "2026-06-22"})  # rolled last day
    assert e["status"] == "satisfied" and e["date"] == "2026-06-22"


def test_enforcement_applied_without_a_judgment_interrupts_limitation():
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2026-11-25",
            "due_date": "2024-03-31",
            "events": [{"type": "enforcement_applied", "date": "2025-01-06"}],
        }
    )
    assert one(out, "limitation")["status"] == "interrupted_by_proceedings"


def test_proceedings_outcome_is_checked():
    from legalcase.domain.deadline_io import parse_deadline_input
    from legalcase.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        parse_deadline_input(
            {
                "as_of": "2026-01-01",
                "due_date": "2024-01-31",
                "events": [{"type": "proceedings_ended", "date": "2025-01-02", "outcome": "won"}],
            }
        )
    assert list(err.value.fields) == ["events[0].outcome"]


# ---- invariants --------------------------------------------------------------------

days = st.dates(min_value=date(2012, 1, 1), max_value=date(2029, 12, 31))
after_kinds = st.sampled_from(
    ["demand", "acknowledgment", "part_payment", "settlement", "obstacle", "enforcement_applied"]
)


def _event(kind: str, day: date) -> dict:
    if kind == "obstacle":
        return {"type": kind, "start": day.isoformat(), "end": day.isoformat()}
    return {"type": kind, "date": day.isoformat(), "party": "debtor"}


@settings(max_examples=200)
@given(
    days,
    st.integers(min_value=30, max_value=900),
    st.booleans(),
    st.lists(st.tuples(after_kinds, st.integers(min_value=1, max_value=2000)), max_size=4),
)
def test_an_event_after_a_judgment_never_moves_limitation(due, gap, sued, later):
    served = date.fromordinal(due.toordinal() + gap)
    events = [{"type": "proceedings_started", "date": due.isoformat()}] if sued else []
    events.append({"type": "judgment", "served": served.isoformat()})
    base = {"jurisdiction": "CN", "as_of": "2026-11-25", "due_date": due.isoformat()}
    before = one(run({**base, "events": events}), "limitation")
    extra = [_event(k, date.fromordinal(served.toordinal() + n)) for k, n in later]
    after = one(run({**base, "events": events + extra}), "limitation")
    assert after == before


def _statutory(year: int) -> set[date]:
    """The library's own list for the year, less what it only guesses (substitute days)."""
    listed = holidays.China(years=year, observed=False, language="en_US")
    return {d for d, name in listed.items() if "substitut" not in name.lower()}


@settings(max_examples=200)
@given(
    st.dates(min_value=date(2023, 1, 1), max_value=date(2032, 12, 31)),
    st.lists(st.sampled_from(["demand", "acknowledgment", "preservation"]), max_size=2),
)
def test_a_provisional_date_never_falls_on_a_statutory_holiday_or_a_weekend(due, kinds):
    events = []
    for n, kind in enumerate(kinds):
        day = date.fromordinal(due.toordinal() + 100 * (n + 1)).isoformat()
        events.append(
            {"type": kind, "date": day, "asset": "movable"}
            if kind == "preservation"
            else {"type": kind, "date": day}
        )
    out = run({"jurisdiction": "CN", "as_of": "2026-11-25", "due_date": due.isoformat(),
               "events": events})  # fmt: skip
    provisional = [d for d in out if d["provisional"]]
    for d in provisional:
        day = date.fromisoformat(d["date"])
        assert day.weekday() < 5 and day not in _statutory(day.year), d


def test_a_provisional_deadline_acts_on_the_earlier_date():
    claim = Claim("CN", date(2024, 5, 1))
    (lim,) = compute(claim, date(2026, 11, 25), CAL)
    assert (lim.date, lim.unadjusted_date, lim.provisional) == (
        date(2027, 5, 3),
        date(2027, 5, 1),
        True,
    )
    assert lim.act_on == date(2027, 5, 1)
    (settled,) = compute(Claim("CN", date(2022, 5, 1)), date(2024, 1, 1), CAL)
    assert not settled.provisional and settled.act_on == settled.date
