"""Chinese renderings used in documents: amounts in capitals (大写金额) and dates."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")


def _four(n: int) -> str:
    """0 < n < 10000 -> capitals with inner zeros, e.g. 1001 -> 壹仟零壹."""
    out = ""
    zero = False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out += "零"
                zero = False
            out += DIGITS[d] + UNITS[pos]
    return out


def integer_capitals(n: int) -> str:
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    need_zero = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or g < 1000):
            out += "零"
        out += _four(g) + SECTIONS[i]
        need_zero = False
    return out


def amount_in_capitals(amount: Decimal, prefix: str = "人民币") -> str:
    """Decimal('123456.78') -> '人民币壹拾贰万叁仟肆佰伍拾陆元柒角捌分'.

    Rules (the banks' usual practice): 整 after 元 when there are no 角 and 分; 零 between
    元 and 角/分 where the units of 元 or the 角 are zero; nothing after 分.
    """
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("negative amount")
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if jiao == 0 and fen == 0:
        return f"{prefix}{integer_capitals(yuan)}元整"
    out = prefix
    if yuan:
        out += integer_capitals(yuan) + "元"
        if yuan % 10 == 0 or jiao == 0:
            out += "零"
    if jiao:
        out += DIGITS[jiao] + "角"
    if fen:
        out += DIGITS[fen] + "分"
    return out


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
