"""Disputes' pure rules (issue 16 point 3): paused, the due date the ladder counts from,
amounts, the credit of an upheld dispute and how it comes off instalments."""

from datetime import date
from decimal import Decimal as D

import pytest

from legalcase.domain.disputes import (
    Open,
    check_amount,
    check_resolution,
    credit_instalments,
    is_paused,
    oldest_undisputed_due,
)
from legalcase.domain.errors import ValidationFailed

A = Open(1, D("100"), date(2026, 1, 31))
B = Open(2, D("50"), date(2026, 3, 31))
PAID = Open(3, D("0"), date(2025, 12, 31))


def test_paused_only_when_every_owed_receivable_is_disputed():
    assert is_paused([A, B, PAID], {1, 2})
    assert not is_paused([A, B, PAID], {1})
    assert not is_paused([PAID], {3})  # nothing owed: nothing to pause


def test_the_ladder_counts_from_what_is_not_disputed():
    assert oldest_undisputed_due([A, B, PAID], {1}) == date(2026, 3, 31)
    assert oldest_undisputed_due([A, B, PAID], {1, 2}) is None
    assert oldest_undisputed_due([A, B], set()) == date(2026, 1, 31)


def test_amounts_and_resolutions():
    check_amount(D("100"), D("100"))
    for bad in (None, D("0"), D("100.01")):
        with pytest.raises(ValidationFailed):
            check_amount(bad, D("100"))
    assert check_resolution("upheld", None, D("80")) == D("80")
    assert check_resolution("upheld", D("30"), D("80")) == D("30")
    assert check_resolution("rejected", None, D("80")) == D("0")
    for outcome, credit in (("upheld", D("81")), ("rejected", D("1")), ("maybe", None)):
        with pytest.raises(ValidationFailed):
            check_resolution(outcome, credit, D("80"))


def test_a_credit_comes_off_the_last_instalments_first():
    parts = [
        (date(2026, 1, 1), D("100")),
        (date(2026, 2, 1), D("100")),
        (date(2026, 3, 1), D("50")),
    ]
    assert credit_instalments(parts, D("120")) == [
        (date(2026, 1, 1), D("100")),
        (date(2026, 2, 1), D("30")),
    ]
    assert credit_instalments(parts, D("20")) == [*parts[:2], (date(2026, 3, 1), D("30"))]
    with pytest.raises(ValidationFailed):
        credit_instalments(parts, D("251"))
