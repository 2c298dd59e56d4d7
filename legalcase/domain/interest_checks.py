"""Warnings on an interest calculation, never refusals (RULES.md section 6).

``rate_implausible``: an agreed rate below 1% a year (likely typed in the wrong unit).
``rate_over_cap``: a rate above 4x the one-year LPR on the first day of default.
``lpr_table_stale``: a first day of default after the LPR table's ``checked_through`` date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .interest import InterestInput, LprTable, Rate

HUNDRED = Decimal(100)
FLOOR = Decimal(1)  # percent a year
CAP_TIMES = Decimal(4)
LPR_START = date(2019, 8, 20)


@dataclass(frozen=True, slots=True)
class Warning:
    code: str
    message: str

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message}


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _annual_percent(rate: Rate, lpr_on_default: Decimal | None) -> Decimal | None:
    """The rate as a percent a year (a daily rate x 365), or None when it cannot be known."""
    if rate.type == "annual":
        return rate.value
    if rate.type == "daily":
        return rate.value * 365
    if lpr_on_default is None:
        return None
    return lpr_on_default * (1 + rate.value)


def interest_warnings(inp: InterestInput, lpr: LprTable) -> list[Warning]:
    """The warnings for ``inp``: each code once, naming every principal item it concerns."""
    low: list[str] = []
    over: list[str] = []
    stale: list[str] = []
    checked = lpr.checked_through
    for item in sorted(inp.principal, key=lambda p: p.due_date):
        rate = getattr(item, "rate", None) or inp.rate  # an item may carry its own rate
        first_default = item.due_date + timedelta(days=1)
        if rate.type in ("annual", "daily"):
            annual = _annual_percent(rate, None)
            if Decimal(0) < annual < FLOOR:
                unit = "年" if rate.type == "annual" else "日"
                low.append(
                    f"{item.ref}：{unit}利率 {_pct(rate.value)}%，折合年利率 {_pct(annual)}%"
                )
        if checked is not None and first_default > checked:
            stale.append(f"{item.ref}（{first_default}）")
        base = lpr.on(first_default) if first_default >= LPR_START else None
        if base is None:
            continue
        annual = _annual_percent(rate, base)
        cap = base * CAP_TIMES
        if annual is not None and annual > cap:
            over.append(
                f"{item.ref}：年利率 {_pct(annual)}% 超过违约之日（{first_default}）"
                f"一年期LPR {_pct(base)}% 的四倍（{_pct(cap)}%）"
            )
    out: list[Warning] = []
    if low:
        out.append(
            Warning(
                "rate_implausible",
                "约定利率低于年1%，请核对利率单位（年利率/日利率、百分数/小数）：" + "；".join(low),
            )
        )
    if over:
        out.append(
            Warning(
                "rate_over_cap",
                "；".join(over)
                + "。超出部分可能不获法院支持（民间借贷司法解释第25条；持牌金融机构除外），已按约定利率计算",
            )
        )
    if stale:
        out.append(
            Warning(
                "lpr_table_stale",
                f"违约始于LPR表核对日（{checked}）之后：{'、'.join(stale)}。"
                "其间LPR可能已调整而表中未收录，请核对最新LPR（legalcase lpr import）后重算",
            )
        )
    return out
