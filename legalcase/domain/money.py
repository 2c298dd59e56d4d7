"""Money: Decimal amounts, rounded half-up to the fen."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "US$", "EUR": "€", "HKD": "HK$", "GBP": "£", "JPY": "JP¥"}


def to_fen(value: Decimal) -> Decimal:
    """Round half-up to two decimals."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str = "CNY") -> str:
    """``Decimal('1234.5')`` -> ``'¥1,234.50'``; other currencies keep their code."""
    if amount is None:
        return "—"
    value = to_fen(amount)
    sign = "-" if value < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    return f"{sign}{symbol}{abs(value):,.2f}"
