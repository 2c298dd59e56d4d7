"""When a deadline alert is due: thresholds of days before, and overdue."""

from __future__ import annotations

DEFAULT_THRESHOLDS = "90,30,7,1,overdue"


def parse_thresholds(text: str | None) -> tuple[list[int], bool]:
    """'90,30,7,1,overdue' -> ([90, 30, 7, 1], True); unknown parts are ignored."""
    days, overdue = [], False
    for part in (text or DEFAULT_THRESHOLDS).split(","):
        part = part.strip()
        if part == "overdue":
            overdue = True
        elif part.isdigit():
            days.append(int(part))
    return sorted(set(days), reverse=True), overdue


def crossed(days_left: int, thresholds: list[int], overdue: bool) -> list[str]:
    """Every threshold already crossed: 5 days left with [90, 30, 7, 1] -> ['t90', 't30', 't7'].

    All of them are marked when one digest reports the deadline, so a deadline first seen 5 days
    out is reported once, not three times.
    """
    keys = [f"t{t}" for t in thresholds if days_left <= t]
    if overdue and days_left < 0:
        keys.append("overdue")
    return keys
