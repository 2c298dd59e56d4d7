"""Disputes (异议): which receivables collection skips, when a case is paused, and how an
upheld dispute's credit comes off a receivable and its instalments (issue 16 point 3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import ValidationFailed
from .money import ZERO
from .values import DisputeStatus


@dataclass(frozen=True)
class Open:
    """A receivable left to collect: its id, what of it is owed, its oldest unpaid due date."""

    id: int
    left: Decimal
    oldest_due: date | None


def is_paused(owed: Iterable[Open], disputed: set[int]) -> bool:
    """A case is paused when every receivable it still owes is under an open dispute."""
    owing = [o.id for o in owed if o.left > ZERO]
    return bool(owing) and all(rid in disputed for rid in owing)


def oldest_undisputed_due(owed: Iterable[Open], disputed: set[int]) -> date | None:
    """The oldest unpaid due date among the receivables not under an open dispute: what the
    ladder counts days overdue from while some of a case's receivables are disputed."""
    dues = [o.oldest_due for o in owed if o.id not in disputed and o.left > ZERO and o.oldest_due]
    return min(dues) if dues else None


def check_amount(amount: Decimal | None, left: Decimal) -> None:
    """The amount disputed: more than nothing, at most what is still owed of the receivable."""
    if amount is None or amount <= ZERO:
        raise ValidationFailed({"amount": "异议金额须大于零"})
    if amount > left:
        raise ValidationFailed({"amount": f"异议金额不能超过该应收款尚欠的 {left}"})


def check_resolution(status: str, credit: Decimal | None, disputed: Decimal) -> Decimal:
    """The credit an outcome gives: upheld, the amount agreed (default: all that was
    disputed, never more); rejected, nothing."""
    if status == DisputeStatus.REJECTED:
        if credit:
            raise ValidationFailed({"credit_amount": "异议不成立时不调减应收款"})
        return ZERO
    if status != DisputeStatus.UPHELD:
        raise ValidationFailed({"outcome": "请选择处理结果：成立或不成立"})
    credit = disputed if credit is None else credit
    if credit <= ZERO:
        raise ValidationFailed({"credit_amount": "调减金额须大于零"})
    if credit > disputed:
        raise ValidationFailed({"credit_amount": "调减金额不能超过异议金额"})
    return credit


def credit_instalments(
    instalments: Sequence[tuple[date, Decimal]], credit: Decimal
) -> list[tuple[date, Decimal]]:
    """Take ``credit`` off a receivable's instalments, the latest first (the debtor still owes
    the earliest ones as agreed); an instalment brought to nothing is dropped."""
    out = list(instalments)
    left = credit
    for i in range(len(out) - 1, -1, -1):
        due, amount = out[i]
        part = min(amount, left)
        out[i] = (due, amount - part)
        left -= part
        if left <= ZERO:
            break
    if left > ZERO:
        raise ValidationFailed({"credit_amount": "调减金额超过分期合计"})
    return [(due, amount) for due, amount in out if amount > ZERO]
