"""The deadline engine against the shared vectors, hand-checked cases and invariants."""

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalcase.domain.calendar import china_calendar
from legalcase.domain.deadline_io import output_json, parse_deadline_input
from legalcase.domain.deadlines import Claim, Event, compute
from legalcase.domain.errors import ValidationFailed
from legalcase.domain.periods import add_months, add_years
from tests.conftest import SHARED

CAL = china_calendar()
VECTORS = json.loads((SHARED / "legal" / "vectors-public.json").read_text(encoding="utf-8"))


def run(data: dict) -> list[dict]:
    claim, as_of = parse_deadline_input(data)
    return output_json(compute(claim, as_of, CAL))["deadlines"]


def assert_matches(expect: list[dict], out: list[dict]) -> None:
    for exp in expect:
        found = [
            d
            for d in out
            if d["kind"] == exp["kind"] and ("ref" not in exp or d["ref"] == exp["ref"])
        ]
        assert len(found) == 1, (exp, out)
        got = {k: found[0][k] for k in exp}
        assert got == exp


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_public_vectors(vector):
    assert_matches(vector["expect"], run(vector["input"]))


def one(out, kind):
    (d,) = [d for d in out if d["kind"] == kind]
    return d


def test_month_end_and_leap_day_periods():
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_calendar_knows_make_up_days_and_marks_unpublished_years():
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday, make-up working day
    assert not CAL.is_working_day(date(2026, 10, 5))  # National Day
    assert CAL.roll_forward(date(2026, 10, 1)) == (date(2026, 10, 8), False)
    assert CAL.roll_forward(date(2027, 1, 2)) == (date(2027, 1, 4), True)  # weekends only


def test_obstacle_in_the_last_six_months_suspends():
    base = {"jurisdiction": "CN", "as_of": "2026-01-01", "due_date": "2022-06-30"}
    # period ends 2025-06-30; an obstacle from 2025-03-01 to 2025-04-30 lies in the last 6 months
    out = run(
        {**base, "events": [{"type": "obstacle", "start": "2025-03-01", "end": "2025-04-30"}]}
    )
    assert one(out, "limitation")["unadjusted_date"] == "2025-10-30"
    assert "第194条" in one(out, "limitation")["basis"]
    # one that ended before the last 6 months began has no effect
    out = run(
        {**base, "events": [{"type": "obstacle", "start": "2024-10-01", "end": "2024-12-20"}]}
    )
    assert one(out, "limitation")["unadjusted_date"] == "2025-06-30"


def test_event_on_the_rolled_last_day_still_interrupts():
    # 2026-01-31 (Saturday) rolls to Monday 2026-02-02; a demand arriving that Monday counts
    base = {"jurisdiction": "CN", "as_of": "2026-03-01", "due_date": "2023-01-31"}
    out = run({**base, "events": [{"type": "demand", "date": "2026-02-02", "party": "debtor"}]})
    assert one(out, "limitation")["unadjusted_date"] == "2029-02-02"
    out = run({**base, "events": [{"type": "demand", "date": "2026-02-03", "party": "debtor"}]})
    assert one(out, "limitation")["date"] == "2026-02-02"
    assert one(out, "limitation")["status"] == "expired"


def test_demand_on_guarantor_does_not_touch_the_debtor_and_vice_versa():
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2026-01-01",
            "due_date": "2025-06-30",
            "guarantee": {"type": "joint", "period_end": None},
            "events": [{"type": "demand", "date": "2025-09-01", "party": "debtor"}],
        }
    )
    assert one(out, "limitation")["unadjusted_date"] == "2028-09-01"
    g = one(out, "guarantee_period")
    assert g["date"] == "2025-12-30" and g["status"] == "lost"
    assert not [d for d in out if d["kind"] == "guarantor_limitation"]


def test_agreed_guarantee_period_not_later_than_due_counts_as_unagreed():
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2025-01-01",
            "due_date": "2024-06-30",
            "guarantee": {"type": "general", "period_end": "2024-06-30"},
            "events": [],
        }
    )
    assert one(out, "guarantee_period")["date"] == "2024-12-30"
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2025-01-01",
            "due_date": "2024-06-30",
            "guarantee": {"type": "general", "period_end": "2026-06-30"},
            "events": [{"type": "proceedings_started", "date": "2025-03-01"}],
        }
    )
    assert one(out, "guarantee_period")["status"] == "satisfied"


def test_twenty_year_long_stop():
    events = [{"type": "acknowledgment", "date": f"{y}-01-15"} for y in range(2007, 2026, 2)]
    out = run(
        {"jurisdiction": "CN", "as_of": "2026-01-01", "due_date": "2006-01-10", "events": events}
    )
    lim = one(out, "limitation")
    assert lim["date"] == "2026-01-10"
    assert "二十年" in lim["basis"]


def test_enforcement_restarts_after_part_performance_and_judgment_stops_limitation_events():
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2026-01-01",
            "due_date": "2022-12-31",
            "events": [
                {"type": "proceedings_started", "date": "2023-06-01"},
                {
                    "type": "judgment",
                    "kind": "judgment",
                    "served": "2024-02-20",
                    "performance_due": "2024-03-11",
                },
                {"type": "part_payment", "date": "2025-05-06"},
            ],
        }
    )
    enf = one(out, "enforcement_application")
    assert enf["unadjusted_date"] == "2027-05-06" and enf["ref"] == 1
    assert one(out, "limitation")["status"] == "interrupted_by_proceedings"


def test_foreign_party_appeal_and_no_enforcement_without_dates():
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2026-01-01",
            "due_date": "2024-01-01",
            "events": [
                {
                    "type": "judgment",
                    "kind": "judgment",
                    "served": "2025-03-03",
                    "foreign_party": True,
                }
            ],
        }
    )
    assert one(out, "appeal")["unadjusted_date"] == "2025-04-02"
    assert not [d for d in out if d["kind"] == "enforcement_application"]


def test_pre_suit_preservation_satisfied_by_a_timely_suit_and_stated_expiry_wins():
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2026-05-01",
            "due_date": "2025-10-31",
            "events": [
                {
                    "type": "preservation",
                    "date": "2026-04-05",
                    "pre_suit": True,
                    "asset": "real_estate",
                    "expires": "2029-04-01",
                },
                {"type": "proceedings_started", "date": "2026-04-20"},
            ],
        }
    )
    assert one(out, "sue_after_preservation")["status"] == "satisfied"
    assert one(out, "freeze_expiry")["date"] == "2029-04-01"
    assert one(out, "freeze_renewal_apply_by")["unadjusted_date"] == "2029-03-25"


def test_foreign_law_no_revival_and_no_rolling():
    out = run(
        {
            "jurisdiction": "US-CA",
            "as_of": "2026-01-01",
            "due_date": "2020-01-04",
            "events": [{"type": "acknowledgment", "date": "2024-02-01"}],
        }
    )
    lim = one(out, "limitation")
    assert lim["date"] == lim["unadjusted_date"] == "2024-01-04"
    assert lim["status"] == "expired" and lim["defence_waived"] is False
    out = run(
        {
            "jurisdiction": "CN-INTL-SALE",
            "as_of": "2026-01-01",
            "due_date": "2023-03-15",
            "events": [],
        }
    )
    assert one(out, "limitation")["unadjusted_date"] == "2027-03-15"


def test_bad_input_names_each_field():
    with pytest.raises(ValidationFailed) as err:
        parse_deadline_input(
            {
                "jurisdiction": "XX",
                "as_of": "2026-13-01",
                "due_date": "2023-01-31",
                "events": [
                    {"type": "demand", "date": "20230101"},
                    {"type": "teleport", "date": "2023-01-01"},
                    {"type": "obstacle", "start": "2024-02-01", "end": "2024-01-01"},
                ],
            }
        )
    assert set(err.value.fields) == {
        "jurisdiction",
        "as_of",
        "events[0].date",
        "events[1].type",
        "events[2].end",
    }
    with pytest.raises(ValidationFailed) as err:
        parse_deadline_input(
            {
                "as_of": "2026-01-01",
                "due_date": "2023-01-31",
                "events": [{"type": "obstacle", "start": "2024-02-01", "end": "2024-01-01"}],
            }
        )
    assert err.value.fields == {"events[0].end": "障碍结束日不能早于开始日"}


# ---- invariants --------------------------------------------------------------------

dates = st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31))


@given(dates)
def test_a_rolled_date_is_a_working_day_never_before_the_unadjusted_one(day):
    rolled, _ = CAL.roll_forward(day)
    assert CAL.is_working_day(rolled) and rolled >= day
    back, _ = CAL.roll_backward(day)
    assert CAL.is_working_day(back) and back <= day


event_st = st.builds(
    lambda kind, day: {"type": kind, "date": day.isoformat(), "party": "debtor"},
    st.sampled_from(["demand", "acknowledgment", "part_payment"]),
    dates,
)


@settings(max_examples=200)
@given(dates, st.lists(event_st, max_size=6), event_st)
def test_an_interruption_never_shortens_and_nothing_passes_the_long_stop(due, events, extra):
    base = {"jurisdiction": "CN", "as_of": "2026-01-01", "due_date": due.isoformat()}
    before = one(run({**base, "events": events}), "limitation")
    after = one(run({**base, "events": [*events, extra]}), "limitation")
    assert after["date"] >= before["date"]
    stop = add_years(due, 20).isoformat()
    assert after["date"] <= stop and after["unadjusted_date"] <= stop


@settings(max_examples=200)
@given(dates, st.sampled_from(["bank_deposit", "movable", "real_estate", "other_right"]))
def test_a_backward_rolled_renewal_date_is_never_after_the_expiry(day, asset):
    out = run(
        {
            "jurisdiction": "CN",
            "as_of": "2026-01-01",
            "due_date": "2024-01-01",
            "events": [{"type": "preservation", "date": day.isoformat(), "asset": asset}],
        }
    )
    renew = one(out, "freeze_renewal_apply_by")
    expiry = one(out, "freeze_expiry")
    assert renew["date"] <= renew["unadjusted_date"] < expiry["date"]
    assert date.fromisoformat(expiry["date"]) - date.fromisoformat(renew["date"]) >= timedelta(
        days=7
    )


def test_engine_uses_claim_objects_directly():
    claim = Claim("CN", date(2023, 1, 31), (Event("demand", date=date(2024, 6, 20)),))
    (lim,) = compute(claim, date(2026, 11, 23), CAL)
    assert lim.date == date(2027, 6, 21) and lim.provisional
