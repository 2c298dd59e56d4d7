"""Waivers (减免): penalty interest, late fees or costs given up, within limits per role."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, DecimalText, MoneyType, TimestampMixin, UTCDateTime
from .users import User


class Waiver(TimestampMixin, Base):
    """A proposal to waive an amount of one kind; once approved it lowers the claim
    (domain.owed) with a line saying so."""

    __tablename__ = "waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    # what of that kind was owed when proposed (before any waiver), the limit's base
    base_amount: Mapped[Decimal] = mapped_column(MoneyType)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class WaiverLimit(TimestampMixin, Base):
    """How much of what is owed of a kind a role may waive on a case without approval (a
    share, 0.3 = 30%); no share: any amount. Rows override domain.waivers.DEFAULT_LIMITS."""

    __tablename__ = "waiver_limits"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    max_share: Mapped[Decimal | None] = mapped_column(DecimalText)
