"""The asset register (issue 17 point 5): a debtor party's assets and leads, their freezes and
what enforcement brought.

A freeze's court, ruling number, start and expiry are those of the preservation court event it
made (``court_event_id``): the deadline engine reads court events, so the register feeds the
freeze-renewal deadlines without a second record of the dates.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, MoneyType, TimestampMixin
from .deadlines import CourtEvent
from .parties import Party
from .users import User


class Asset(TimestampMixin, Base):
    """An asset or a lead to one, of the case's debtor or a guarantor (values.AssetLeadKind)."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(300))
    # account number, certificate number, plate, registration number...
    identifier: Mapped[str | None] = mapped_column(String(120))
    location: Mapped[str | None] = mapped_column(String(300))
    estimated_value: Mapped[Decimal | None] = mapped_column(MoneyType)
    source: Mapped[str] = mapped_column(String(200))  # where the lead came from
    found_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    party: Mapped[Party] = relationship()
    user: Mapped[User] = relationship()
    freezes: Mapped[list[AssetFreeze]] = relationship(
        back_populates="asset", order_by="AssetFreeze.id"
    )

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class AssetFreeze(TimestampMixin, Base):
    """A preservation of the asset: the court event holds its dates, court and ruling."""

    __tablename__ = "asset_freezes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    court_event_id: Mapped[int] = mapped_column(ForeignKey("court_events.id"), unique=True)
    frozen_amount: Mapped[Decimal | None] = mapped_column(MoneyType)

    asset: Mapped[Asset] = relationship(back_populates="freezes")
    court_event: Mapped[CourtEvent] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class EnforcementOutcome(TimestampMixin, Base):
    """What enforcement brought against a party (values.EnforcementOutcomeKind): money
    received (a payment of the case), the ruling ending enforcement (a court event), the
    dishonest-debtor list or the consumption ban with their dates."""

    __tablename__ = "enforcement_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    outcome_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # a listing or ban lifted
    amount: Mapped[Decimal | None] = mapped_column(MoneyType)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    court_event_id: Mapped[int | None] = mapped_column(ForeignKey("court_events.id"))
    court_name: Mapped[str | None] = mapped_column(String(200))
    document_number: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    party: Mapped[Party] = relationship()
    asset: Mapped[Asset | None] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id
