"""A case's one amount owed (domain.owed, RULES.md s.6) under either allocation setting."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from legalcase.domain.interest import LprTable, Rate
from legalcase.domain.owed import Debt, Paid, owing

LPR = LprTable([(date(2019, 8, 20), Decimal("4.25")), (date(2025, 5, 20), Decimal("3.00"))])
AS_OF = date(2026, 11, 24)
RATES = [Rate("annual", Decimal("6")), Rate("daily", Decimal("0.05")), Rate("lpr_markup", Decimal("0.5"))]  # fmt: skip

cents = st.integers(min_value=1, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
days = st.integers(min_value=0, max_value=900)


@st.composite
def portfolios(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    debts = [
        Debt(
            i + 1,
            f"INV-{i + 1}",
            draw(cents),
            date(2024, 1, 1) + timedelta(days=draw(days)),
            draw(st.sampled_from(RATES)),
        )
        for i in range(n)
    ]
    payments = []
    left = {d.id: d.amount for d in debts}
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        d = draw(st.sampled_from(debts))
        if left[d.id] <= 0:
            continue
        part = min(left[d.id], draw(cents))
        left[d.id] -= part
        payments.append(Paid(date(2024, 1, 1) + timedelta(days=draw(days)), part, ((d.id, part),)))
    return debts, payments


@settings(max_examples=150, deadline=None, derandomize=True)
@given(portfolios(), cents, days, st.sampled_from(["booked", "statutory"]))
def test_a_payment_never_raises_what_is_owed(case, amount, day, allocation):
    debts, payments = case
    before = owing(debts, payments, allocation, AS_OF, LPR)
    target = debts[0]
    part = min(amount, before.principal[target.id]) if allocation == "booked" else amount
    assume(part > 0)
    paid = Paid(date(2024, 1, 1) + timedelta(days=day), part, ((target.id, part),))
    after = owing(debts, [*payments, paid], allocation, AS_OF, LPR)
    # interest is rounded to the fen per period between payments: a new payment splits a
    # period in two, which may round up by one fen at most
    assert after.result.total <= before.result.total + Decimal("0.01")
    assert after.principal_outstanding <= before.principal_outstanding
    # the principal left does not depend on the date of the claim; only interest grows
    later = owing(debts, [*payments, paid], allocation, AS_OF + timedelta(days=400), LPR)
    assert later.principal == after.principal
    assert later.result.interest_outstanding >= after.result.interest_outstanding
    # without the LPR (the stored figures) booked gives the same principal
    if allocation == "booked":
        assert owing(debts, [*payments, paid], allocation).principal == after.principal


def test_booked_and_statutory_split_one_payment_differently():
    debts = [
        Debt(1, "A", Decimal("1000.00"), date(2025, 1, 31), RATES[0]),
        Debt(2, "B", Decimal("1000.00"), date(2025, 3, 31), RATES[0]),
    ]
    # booked to B, paid 365 days after A fell due (A: 60.00 interest, B: 306 days 50.30)
    pay = [Paid(date(2026, 1, 31), Decimal("500.00"), ((2, Decimal("500.00")),))]
    booked = owing(debts, pay, "booked", AS_OF, LPR)
    assert booked.principal == {1: Decimal("1000.00"), 2: Decimal("500.00")}
    statutory = owing(debts, pay, "statutory", AS_OF, LPR)
    # interest 110.30 first, then 389.70 to the earliest due debt (A)
    assert statutory.principal == {1: Decimal("610.30"), 2: Decimal("1000.00")}
    went = [(line.what, line.amount) for line in statutory.result.lines if "回款" in line.what]
    assert went == [
        ("2026-01-31回款冲抵利息", Decimal("110.30")),
        ("2026-01-31回款冲抵本金 A", Decimal("389.70")),
    ]


def test_paid_before_import_lowers_its_debt_from_the_start():
    debts = [Debt(1, "A", Decimal("1000.00"), date(2025, 1, 31), RATES[0], Decimal("400.00"))]
    figures = owing(debts, [], "statutory", date(2026, 1, 31), LPR)
    assert figures.principal == {1: Decimal("600.00")}
    assert figures.result.interest_outstanding == Decimal("36.00")  # 600 x 6% for a year
    assert figures.notes[0].what.startswith("导入前已付 A") and figures.notes[0].amount == 400
