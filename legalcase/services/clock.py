"""Today's date in China, where the users work.

Every date shown to a user or printed on a document (a court's 日期, a package's date) is
``today()``: the Asia/Shanghai date, never the server's UTC date (01:30 in Beijing is still
the previous day in UTC). Tests set the time by replacing ``now`` (monkeypatch
``legalcase.services.clock.now``); ``today()`` reads it at each call.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current moment (aware, UTC)."""
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(SHANGHAI).date()
