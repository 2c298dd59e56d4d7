"""The payment-propensity models, the risk segments with their cadence, monthly targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, DecimalText, MoneyType, TimestampMixin, UTCDateTime


class PropensityModel(Base):
    """One training run: the fitted logistic model (or the rules, with too little history),
    its back-test on the later held-out period, and when it was trained. The highest version
    is the one in use."""

    __tablename__ = "propensity_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # logistic | rules
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime)
    as_of: Mapped[date] = mapped_column(Date)  # the history's last day
    snapshots: Mapped[int] = mapped_column(Integer, default=0)
    positives: Mapped[int] = mapped_column(Integer, default=0)
    holdout_from: Mapped[date | None] = mapped_column(Date)
    holdout_snapshots: Mapped[int] = mapped_column(Integer, default=0)
    auc: Mapped[Decimal | None] = mapped_column(DecimalText)
    # JSON: the linear model (intercept, weights, reference, scale) and the decile table
    params: Mapped[str] = mapped_column(Text)
    calibration: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str | None] = mapped_column(Text)


class RiskSegment(TimestampMixin, Base):
    """A risk segment: the cases it takes (score band, creditor, amount owed) and their
    cadence (ladder days, channels, letter template). The first matching by position wins."""

    __tablename__ = "risk_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # the band of P(payment within 30 days), in percent: min <= p < max
    min_score: Mapped[int] = mapped_column(Integer, default=0)
    max_score: Mapped[int] = mapped_column(Integer, default=101)
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"))
    min_owed: Mapped[Decimal | None] = mapped_column(MoneyType)
    max_owed: Mapped[Decimal | None] = mapped_column(MoneyType)
    ladder_days: Mapped[str] = mapped_column(String(100))  # "15,45,75": the rungs' days
    channels: Mapped[str] = mapped_column(String(100))  # "call,letter" (values.Channel)
    letter_template: Mapped[str | None] = mapped_column(String(64))


class CollectorTarget(TimestampMixin, Base):
    """A month's targets for one collector, or for the team (``user_id`` None)."""

    __tablename__ = "collector_targets"
    __table_args__ = (UniqueConstraint("user_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # 2026-11
    contacts: Mapped[int] = mapped_column(Integer, default=0)
    commitments: Mapped[int] = mapped_column(Integer, default=0)
    recovered: Mapped[Decimal] = mapped_column(MoneyType, default=Decimal("0"))
