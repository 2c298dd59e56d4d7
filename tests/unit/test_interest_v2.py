"""RULES.md v2 in the interest engine: the 7 public vectors, warnings (never refusals), and
the invariant that a payment never raises what is owed."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalcase.domain.interest import (
    InterestInput,
    Judgment,
    LprTable,
    Payment,
    Principal,
    Rate,
    compute_interest,
)
from legalcase.domain.interest_io import parse_interest_input
from tests.conftest import SHARED
from tests.unit.test_interest import VECTORS, shipped_lpr

D = Decimal
V2 = json.loads((SHARED / "legal" / "vectors-interest-v2-public.json").read_text(encoding="utf-8"))
ALL_VECTORS = VECTORS + V2  # the 7 public interest vectors
ROWS = [(date(2019, 8, 20), D("4.25")), (date(2024, 7, 22), D("3.35"))]


def assert_interest_matches(expect: dict, out: dict) -> None:
    """``expect.warnings`` lists codes that must appear; every other key must be equal."""
    codes = {w["code"] for w in out["warnings"]}
    assert set(expect.get("warnings", [])) <= codes, out["warnings"]
    assert all(w["message"] for w in out["warnings"])
    same = {k: v for k, v in expect.items() if k != "warnings"}
    assert {k: out[k] for k in same} == same


@pytest.mark.parametrize("vector", ALL_VECTORS, ids=[v["name"] for v in ALL_VECTORS])
def test_all_public_vectors(vector):
    out = compute_interest(parse_interest_input(vector["input"]), shipped_lpr()).to_json()
    assert_interest_matches(vector["expect"], out)


def _codes(rate: Rate, due: date, table: LprTable) -> tuple[list[str], Decimal]:
    inp = InterestInput(date(2025, 12, 31), rate, (Principal("N", D("10000.00"), due),))
    result = compute_interest(inp, table)
    return [w.code for w in result.warnings], result.interest_outstanding


def test_warnings_flag_but_never_change_the_figures():
    table = LprTable(ROWS, checked_through=date(2025, 6, 30))
    due = date(2024, 12, 31)  # LPR 3.35 on the first day of default; cap 13.4%
    assert _codes(Rate("annual", D("6")), due, table) == ([], D("600.00"))
    codes, interest = _codes(Rate("annual", D("0.6")), due, table)  # 0.6%: unit mistake?
    assert codes == ["rate_implausible"] and interest == D("60.00")
    assert _codes(Rate("daily", D("0.05")), due, table)[0] == ["rate_over_cap"]  # 18.25%/yr
    assert _codes(Rate("lpr_markup", D("3.5")), due, table)[0] == ["rate_over_cap"]  # 4.5x
    assert _codes(Rate("annual", D("0")), due, table) == ([], D("0.00"))  # no interest claimed


def test_a_default_after_the_table_was_checked_is_flagged_stale():
    table = LprTable(ROWS, checked_through=date(2025, 6, 30))
    codes, interest = _codes(Rate("lpr_markup", D("0")), date(2025, 7, 1), table)
    assert codes == ["lpr_table_stale"] and interest == D("167.96")  # 10000 x 3.35% x 183/365
    result = compute_interest(
        InterestInput(
            date(2025, 12, 31),
            Rate("lpr_markup", D("0")),
            (Principal("N", D("10000.00"), date(2025, 7, 1)),),
        ),
        table,
    )
    (warning,) = result.warnings
    assert "2025-06-30" in warning.message and "LPR" in warning.message
    assert _codes(Rate("lpr_markup", D("0")), date(2025, 6, 28), table)[0] == []
    # the JSON output carries them
    assert result.to_json()["warnings"] == [{"code": "lpr_table_stale", "message": warning.message}]


# ---- a payment never raises what is owed -------------------------------------------

money = st.decimals(min_value=D("1.00"), max_value=D("500000.00"), places=2)
days = st.integers(min_value=0, max_value=900)
START = date(2022, 1, 1)
AS_OF = date(2025, 6, 30)
rates = st.one_of(
    st.builds(lambda v: Rate("annual", v), st.decimals(min_value=0, max_value=30, places=2)),
    st.builds(lambda v: Rate("daily", v), st.decimals(min_value=0, max_value=D("0.1"), places=3)),
    st.builds(lambda v: Rate("lpr_markup", v), st.decimals(min_value=0, max_value=1, places=1)),
)


def _day(n: int) -> date:
    return START + timedelta(days=n)


@settings(max_examples=200)
@given(
    st.lists(st.tuples(money, days), min_size=1, max_size=3),
    rates,
    st.decimals(min_value=0, max_value=D("5000.00"), places=2),
    st.lists(st.tuples(days, money), max_size=3),
    st.tuples(days, money),
)
def test_applying_a_payment_never_raises_what_is_owed(items, rate, costs, payments, extra):
    principal = tuple(Principal(f"P{i}", amount, _day(n)) for i, (amount, n) in enumerate(items))
    paid = tuple(Payment(_day(n), amount) for n, amount in payments)

    def owed(pays):
        inp = InterestInput(AS_OF, rate, principal, pays, costs)
        return compute_interest(inp, shipped_lpr()).total

    assert owed((*paid, Payment(_day(extra[0]), extra[1]))) <= owed(paid)


@settings(max_examples=200)
@given(
    money,
    st.decimals(min_value=0, max_value=1, places=2),
    days,
    st.lists(st.tuples(days, money), max_size=3),
    st.tuples(days, money),
)
def test_a_payment_after_the_judgment_never_raises_what_is_owed(amount, share, due, pays, extra):
    ordinary = (amount * share).quantize(D("0.01"))
    paid = tuple(Payment(_day(n), a) for n, a in pays)

    def owed(after):
        judgment = Judgment(amount, _day(due), ordinary, after)
        inp = InterestInput(AS_OF, Rate("annual", D("0")), judgment=judgment)
        return compute_interest(inp, shipped_lpr()).total

    assert owed((*paid, Payment(_day(extra[0]), extra[1]))) <= owed(paid)
