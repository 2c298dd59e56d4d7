"""Pure rules of waivers (domain.waivers) and how the claim takes them (domain.owed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from legalcase.domain.errors import DomainError
from legalcase.domain.interest import InterestResult
from legalcase.domain.owed import Waived, apply_waivers
from legalcase.domain.waivers import check_amount, within_limit

D = Decimal


def _result() -> InterestResult:
    return InterestResult(D("1000.00"), D("300.00"), D("50.00"), D(0), D(0), [])


def test_waivers_lower_interest_and_costs_at_most_to_zero_with_a_line_each():
    waivers = [
        Waived(1, "penalty_interest", D("100.00"), date(2026, 1, 5), "陈律师"),
        Waived(2, "late_fee", D("500.00"), date(2026, 1, 6), "王经理"),  # more than is left
        Waived(3, "costs", D("20.00"), date(2026, 1, 7), "王经理"),
        Waived(4, "penalty_interest", D("1.00"), date(2026, 2, 1), "王经理"),  # after as_of
        Waived(5, "principal", D("1.00"), date(2026, 1, 1), "王经理"),  # never taken
    ]
    result, total = apply_waivers(_result(), waivers, date(2026, 1, 31))
    assert (result.principal_outstanding, result.interest_outstanding) == (D("1000.00"), D(0))
    assert result.costs_outstanding == D("30.00") and total == D("320.00")
    assert result.total == D("1030.00")
    lines = [(line.what, line.amount) for line in result.lines]
    assert lines[0] == (
        "经批准减免罚息/逾期利息（减免单第1号，陈律师于2026-01-05批准）",
        D("-100.00"),
    )
    assert lines[1][1] == D("-200.00") and "以尚欠数额为限" in lines[1][0]
    assert lines[2] == ("经批准减免费用（减免单第3号，王经理于2026-01-07批准）", D("-20.00"))
    assert len(lines) == 3


def test_limits_count_what_is_already_waived():
    assert within_limit(D("0.30"), D("100"), D("1000"), D("200"))
    assert not within_limit(D("0.30"), D("100.01"), D("1000"), D("200"))
    assert within_limit(None, D("1000"), D("1000"), D(0))  # any amount
    assert not within_limit(D(0), D("0.01"), D("1000"), D(0))
    with pytest.raises(DomainError) as exc:
        check_amount("late_fee", D("801"), D("1000"), D("200"))
    assert "尚可减免 800.00" in exc.value.fields["amount"]
    with pytest.raises(DomainError) as exc:
        check_amount("principal", D("1"), D("1000"), D(0))
    assert exc.value.code == "principal_not_waivable"
