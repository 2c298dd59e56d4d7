"""The interest engine: shared vectors and examples worked by hand."""

import json
from datetime import date
from decimal import Decimal

import pytest

from legalcase.domain.errors import ValidationFailed
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

D = Decimal
VECTORS = json.loads(
    (SHARED / "legal" / "vectors-interest-public.json").read_text(encoding="utf-8")
)
LPR = LprTable(
    [
        (date(2019, 8, 20), D("4.25")),
        (date(2022, 8, 22), D("3.65")),
        (date(2023, 6, 20), D("3.55")),
        (date(2024, 7, 22), D("3.35")),
    ]
)


def shipped_lpr() -> LprTable:
    from legalcase.services.lpr import lpr_table

    return lpr_table()


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_public_vectors(vector):
    out = compute_interest(parse_interest_input(vector["input"]), shipped_lpr()).to_json()
    assert {k: out[k] for k in vector["expect"]} == vector["expect"]


def test_lpr_change_inside_the_period_does_not_change_the_rate():
    # default from 2023-02-01 at LPR 3.65; the LPR falls to 3.55 on 2023-06-20 -- ignored
    inp = InterestInput(
        date(2023, 12, 31),
        Rate("lpr_markup", D("0.3")),
        (Principal("A", D("10000.00"), date(2023, 1, 31)),),
    )
    result = compute_interest(inp, LPR)
    # 10000 x 3.65% x 1.3 x 334 / 365 = 434.1972... -> 434.20 (at 3.55% it would be 422.30)
    assert result.interest_outstanding == D("434.20")
    assert "3.65%" in result.lines[0].rate


def test_several_receivables_costs_and_a_payment_by_hand():
    # A: 10,000 due 2024-01-31; B: 5,000 due 2024-03-31; 6% a year, 365 days; costs 300
    # payment 2,000 on 2024-04-30:
    #   interest A 2024-01-31..04-30 = 90 days (29 in February): 10000 x 0.06 x 90/365 = 147.9452...
    #   interest B 2024-03-31..04-30 = 30 days:  5000 x 0.06 x 30/365 =  24.6575...
    #   accrued 172.6027... -> 172.60; payment: costs 300, interest 172.60, principal A 1527.40
    # to 2024-12-31 (245 days): A 8472.60 x 0.06 x 245/365 = 341.2253...; B 5000 x .06 x 245/365 = 201.3698...
    #   542.5951... -> 542.60
    inp = InterestInput(
        date(2024, 12, 31),
        Rate("annual", D("6")),
        (
            Principal("B", D("5000.00"), date(2024, 3, 31)),
            Principal("A", D("10000.00"), date(2024, 1, 31)),
        ),
        (Payment(date(2024, 4, 30), D("2000.00")),),
        costs=D("300.00"),
    )
    r = compute_interest(inp, LPR)
    assert r.costs_outstanding == D("0.00")
    assert r.principal_outstanding == D("13472.60")
    assert r.interest_outstanding == D("542.60")
    assert r.total == D("14015.20")
    whats = [line.what for line in r.lines]
    assert "2024-04-30回款冲抵费用" in whats and "2024-04-30回款冲抵本金 A" in whats


def test_leap_year_and_360_day_basis():
    # 2024-02-28 .. 2024-03-01 is 2 days in a leap year
    inp = InterestInput(
        date(2024, 3, 1),
        Rate("annual", D("36")),
        (Principal("X", D("36000.00"), date(2024, 2, 28)),),
        day_count=360,
    )
    assert compute_interest(inp, LPR).interest_outstanding == D("72.00")


def test_default_before_lpr_existed_is_refused():
    inp = InterestInput(
        date(2020, 1, 1),
        Rate("lpr_markup", D("0.5")),
        (Principal("O", D("1.00"), date(2019, 8, 18)),),
    )
    with pytest.raises(ValidationFailed) as err:
        compute_interest(inp, LPR)
    assert "2019-08-20" in err.value.fields["principal[0].due_date"]
    # the first default day 2019-08-20 itself has an LPR
    ok = InterestInput(
        date(2020, 1, 1),
        Rate("lpr_markup", D("0")),
        (Principal("O", D("1.00"), date(2019, 8, 19)),),
    )
    assert (
        compute_interest(ok, LPR).lines[0].rate.startswith("违约之日（2019-08-20）一年期LPR 4.25%")
    )


def test_overpayment_is_reported_not_lost():
    inp = InterestInput(
        date(2024, 1, 10),
        Rate("annual", D("0")),
        (Principal("X", D("100.00"), date(2024, 1, 1)),),
        (Payment(date(2024, 1, 5), D("150.00")),),
    )
    r = compute_interest(inp, LPR)
    assert r.total == D("0.00")
    assert r.lines[-1].what.endswith("回款超出欠款（未冲抵）") and r.lines[-1].amount == D("50.00")


def test_judgment_before_performance_due_accrues_nothing():
    inp = InterestInput(
        date(2024, 3, 1), Rate("annual", D("0")), judgment=Judgment(D("1000.00"), date(2024, 3, 11))
    )
    assert compute_interest(inp, LPR).delayed_performance_interest == D("0.00")


def test_bad_input_names_each_field():
    with pytest.raises(ValidationFailed) as err:
        parse_interest_input(
            {
                "as_of": "2024-02-30",
                "day_count": 366,
                "rate": {"type": "weekly"},
                "principal": [{"amount": "-1", "due_date": "2024-01-01"}, {"amount": "abc"}],
                "payments": [{"date": "2024-01-01", "amount": "1.00"}],
            }
        )
    assert set(err.value.fields) == {
        "as_of",
        "day_count",
        "rate.type",
        "principal[0].amount",
        "principal[1].amount",
        "principal[1].due_date",
    }
