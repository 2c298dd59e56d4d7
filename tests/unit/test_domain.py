from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcase.domain.aging import Slice, Tier, allocate, days_overdue, oldest_unpaid_due, tier_for
from legalcase.domain.errors import DomainError, PermissionDenied
from legalcase.domain.identity import (
    id_code_problem,
    resident_id_problem,
    uscc_check_char,
    uscc_problem,
)
from legalcase.domain.money import format_money, to_fen
from legalcase.domain.promises import PromiseStatus, promise_status
from legalcase.domain.roles import Role, can_change_case, require_case_change
from legalcase.domain.stages import Stage, allowed_moves, check_move


@pytest.mark.parametrize(
    ("days", "tier"),
    [
        (0, Tier.CURRENT),
        (1, Tier.D1_30),
        (30, Tier.D1_30),
        (31, Tier.D31_60),
        (60, Tier.D31_60),
        (61, Tier.D61_90),
        (90, Tier.D61_90),
        (91, Tier.D90_PLUS),
        (4000, Tier.D90_PLUS),
    ],
)
def test_tier_boundaries(days, tier):
    assert tier_for(days) == tier


def test_days_overdue_counts_from_the_day_after_due():
    assert days_overdue(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert days_overdue(date(2026, 3, 2), date(2026, 3, 3)) == 1
    assert days_overdue(date(2024, 2, 28), date(2024, 3, 1)) == 2  # leap year
    assert days_overdue(None, date(2026, 3, 3)) == 0


def test_payments_settle_the_earliest_instalment_first():
    slices = [
        Slice(2, date(2026, 2, 1), Decimal("500")),
        Slice(1, date(2026, 1, 1), Decimal("500")),
    ]
    assert oldest_unpaid_due(slices, Decimal("0")) == date(2026, 1, 1)
    assert oldest_unpaid_due(slices, Decimal("499.99")) == date(2026, 1, 1)
    assert oldest_unpaid_due(slices, Decimal("500")) == date(2026, 2, 1)
    assert oldest_unpaid_due(slices, Decimal("1000")) is None


@given(
    st.lists(
        st.tuples(st.dates(), st.decimals(min_value=1, max_value=10**6, places=2)),
        min_size=1,
        max_size=8,
    ),
    st.decimals(min_value=0, max_value=10**7, places=2),
)
def test_allocation_never_creates_or_loses_money(items, paid):
    slices = [Slice(i, d, a) for i, (d, a) in enumerate(items)]
    total = sum(a for _, a in items)
    left = sum(x for _, x in allocate(slices, paid))
    assert left == max(total - paid, Decimal(0))


def test_stage_ladder():
    assert allowed_moves(Stage.PRE_LEGAL) == {Stage.DEMAND} | {
        Stage.CLOSED_RECOVERED,
        Stage.CLOSED_SETTLED,
        Stage.CLOSED_WRITTEN_OFF,
    }
    assert Stage.JUDGMENT in allowed_moves(Stage.ARBITRATION)
    assert allowed_moves(Stage.CLOSED_SETTLED) == frozenset()
    check_move(Stage.DEMAND, Stage.LITIGATION, "催告无果")


def test_illegal_stage_move_names_both_stages():
    with pytest.raises(DomainError) as err:
        check_move(Stage.PRE_LEGAL, Stage.ENFORCEMENT, "跳级")
    assert err.value.code == "illegal_stage_move"
    assert "诉前催收" in err.value.message and "强制执行" in err.value.message


def test_stage_move_needs_a_reason():
    with pytest.raises(DomainError) as err:
        check_move(Stage.PRE_LEGAL, Stage.DEMAND, "  ")
    assert err.value.fields == {"reason": "请填写原因"}


def test_roles():
    assert can_change_case(Role.LEGAL, 1, 2)
    assert can_change_case(Role.COLLECTOR, 1, 1)
    assert not can_change_case(Role.COLLECTOR, 1, 2)
    assert not can_change_case(Role.VIEWER, 1, 1)
    with pytest.raises(PermissionDenied, match="只读"):
        require_case_change(Role.VIEWER, 1, 1)


def test_money_format():
    assert format_money(Decimal("1234.56")) == "¥1,234.56"
    assert format_money(Decimal("0.005")) == "¥0.01"  # half-up
    assert format_money(Decimal("-12")) == "-¥12.00"
    assert format_money(Decimal("1000"), "USD") == "US$1,000.00"
    assert to_fen(Decimal("2.345")) == Decimal("2.35")


def test_promise_kept_broken_open():
    due = date(2026, 5, 10)
    assert (
        promise_status(Decimal("100"), due, Decimal("100"), date(2026, 5, 1)) == PromiseStatus.KEPT
    )
    assert promise_status(Decimal("100"), due, Decimal("99.99"), due) == PromiseStatus.OPEN
    assert (
        promise_status(Decimal("100"), due, Decimal("99.99"), date(2026, 5, 11))
        == PromiseStatus.PARTLY_KEPT
    )
    assert (
        promise_status(Decimal("100"), due, Decimal("0"), date(2026, 5, 11)) == PromiseStatus.BROKEN
    )


def test_identity_codes():
    assert resident_id_problem("11010519491231002X") is None  # GB 11643 example
    assert "校验位" in resident_id_problem("110105194912310021")
    assert "出生日期" in resident_id_problem("110105194902300021")
    body = "91310115MA1H7G3X2"
    good = body + uscc_check_char(body)
    assert uscc_problem(good) is None
    bad = body + ("0" if good[-1] != "0" else "1")
    assert "校验位" in uscc_problem(bad)
    assert "18 位" in uscc_problem("123")
    assert "无效字符" in uscc_problem("91310115MA1H7G3XIO")
    assert id_code_problem("company", good) is None
