from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, DecimalText, MoneyType, TimestampMixin, UTCDateTime
from .cases import Case
from .users import User


class CourtEvent(TimestampMixin, Base):
    """A procedural fact: filing, end of proceedings, judgment or ruling, preservation, settlement."""

    __tablename__ = "court_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    event_date: Mapped[date | None] = mapped_column(Date)
    served_date: Mapped[date | None] = mapped_column(Date)
    performance_due: Mapped[date | None] = mapped_column(Date)
    effective_date: Mapped[date | None] = mapped_column(Date)
    is_foreign_party: Mapped[bool] = mapped_column(default=False)
    is_pre_suit: Mapped[bool] = mapped_column(default=False)
    asset_kind: Mapped[str | None] = mapped_column(String(16))
    expires_date: Mapped[date | None] = mapped_column(Date)
    court_name: Mapped[str | None] = mapped_column(String(200))
    document_number: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # What a judgment, ruling or mediation document awarded (issue 12 point 3, RULES s.6):
    # principal, ordinary interest to the performance date, costs and court fees.
    awarded_principal: Mapped[Decimal | None] = mapped_column(MoneyType)
    awarded_interest: Mapped[Decimal | None] = mapped_column(MoneyType)
    awarded_costs: Mapped[Decimal | None] = mapped_column(MoneyType)

    @property
    def awarded_total(self) -> Decimal | None:
        """All money awarded, or None when the event awards none."""
        parts = (self.awarded_principal, self.awarded_interest, self.awarded_costs)
        if all(p is None for p in parts):
            return None
        return sum((p for p in parts if p is not None), Decimal("0.00"))

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class CaseDeadline(Base):
    """A deadline derived from the case's facts; refreshed when they change, never deleted."""

    __tablename__ = "case_deadlines"
    __table_args__ = (
        UniqueConstraint("case_id", "kind", "source_key"),
        Index("ix_case_deadlines_due_date_is_active", "due_date", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(String(40))  # receivable:1, contract:2, court_event:3
    due_date: Mapped[date | None] = mapped_column(Date)
    unadjusted_date: Mapped[date | None] = mapped_column(Date)
    is_provisional: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str] = mapped_column(Text)
    is_defence_waived: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)  # false once the facts no longer give it
    is_handled: Mapped[bool] = mapped_column(default=False)
    handled_note: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    handled_by: Mapped[User | None] = relationship()
    case: Mapped[Case] = relationship()

    @property
    def guarantor_label(self) -> str:
        """Whose guarantee a guarantee deadline is (a case may have several guarantors): the
        part of its basis before the first "：", e.g. "合同HT-1，保证人甲公司（连带责任保证）"."""
        if not self.source_key.startswith("guarantee:"):
            return ""
        head, sep, _ = (self.basis or "").partition("：")
        return head if sep else ""

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class LprRate(Base):
    """One-year loan prime rate, in force from ``effective_date`` until the next one."""

    __tablename__ = "lpr_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_date: Mapped[date] = mapped_column(Date, unique=True)
    one_year_percent: Mapped[Decimal] = mapped_column(DecimalText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
