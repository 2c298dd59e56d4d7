"""How far the LPR table has been checked against the published rates (RULES.md section 6)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class LprCheck(Base):
    """One check of the LPR table: every rate change up to ``checked_through`` is in it.

    Append-only: the latest date checked is the largest one (shipped value included)."""

    __tablename__ = "lpr_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_through: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
