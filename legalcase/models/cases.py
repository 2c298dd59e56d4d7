from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legalcase.domain.stages import Stage

from .base import Base, DecimalText, MoneyType, TimestampMixin, UTCDateTime
from .parties import Party
from .users import Creditor, User


class Case(TimestampMixin, Base):
    """A collection case: one creditor of ours against one debtor."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_stage_oldest_unpaid_due_date", "stage", "oldest_unpaid_due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"), index=True)
    debtor_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    stage: Mapped[str] = mapped_column(String(24), default=Stage.PRE_LEGAL.value, index=True)
    risk_level: Mapped[str] = mapped_column(String(8), default="medium")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    claim_amount: Mapped[Decimal | None] = mapped_column(MoneyType)
    forum_kind: Mapped[str | None] = mapped_column(String(16))  # court | arbitration
    forum_name: Mapped[str | None] = mapped_column(String(200))
    # the court a filing is addressed to, chosen by the user (DOCUMENTS.md v2)
    court: Mapped[str | None] = mapped_column(String(200))
    case_number: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    # Kept in step with receivables and payments by the services, for fast portfolio filters.
    principal_amount: Mapped[Decimal] = mapped_column(MoneyType, default=Decimal("0"))
    paid_amount: Mapped[Decimal] = mapped_column(MoneyType, default=Decimal("0"))
    outstanding_amount: Mapped[Decimal] = mapped_column(MoneyType, default=Decimal("0"), index=True)
    oldest_unpaid_due_date: Mapped[date | None] = mapped_column(Date, index=True)
    next_deadline_date: Mapped[date | None] = mapped_column(Date, index=True)
    # how payments are applied (values.Allocation, RULES.md s.6): booked | statutory
    allocation: Mapped[str] = mapped_column(String(16), default="booked", server_default="booked")

    creditor: Mapped[Creditor] = relationship()
    debtor: Mapped[Party] = relationship()
    owner: Mapped[User] = relationship()
    contracts: Mapped[list[Contract]] = relationship(back_populates="case", order_by="Contract.id")
    receivables: Mapped[list[Receivable]] = relationship(  # noqa: F821
        back_populates="case", order_by="Receivable.due_date, Receivable.id"
    )
    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="case", order_by="StageChange.changed_at"
    )

    @property
    def audit_case_id(self) -> int:
        return self.id


class Contract(TimestampMixin, Base):
    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # sale | financing | lease | loan
    signed_date: Mapped[date] = mapped_column(Date)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    payment_terms: Mapped[str | None] = mapped_column(Text)
    late_fee_type: Mapped[str] = mapped_column(String(16), default="none")
    late_fee_rate: Mapped[Decimal | None] = mapped_column(DecimalText)  # percent
    late_fee_amount: Mapped[Decimal | None] = mapped_column(MoneyType)
    governing_law: Mapped[str] = mapped_column(String(16), default="CN")
    dispute_resolution: Mapped[str] = mapped_column(String(16), default="court")
    dispute_venue: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="contracts")
    # the guarantees in force (ended ones stay in the table for the record)
    guarantees: Mapped[list[ContractGuarantee]] = relationship(
        primaryjoin="and_(ContractGuarantee.contract_id == Contract.id, "
        "ContractGuarantee.ended_at.is_(None))",
        order_by="ContractGuarantee.id",
        viewonly=True,
    )

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class ContractGuarantee(TimestampMixin, Base):
    """One guarantor of a contract: joint (连带责任保证) or general (一般保证), with its own
    agreed guarantee period (none: six months from the principal debt's due date, CC 692).
    Removing a guarantor ends the row (``ended_at``) rather than deleting it."""

    __tablename__ = "contract_guarantees"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    guarantee_type: Mapped[str] = mapped_column(String(16))  # joint | general
    period_end: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contract: Mapped[Contract] = relationship()
    party: Mapped[Party] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class StageChange(Base):
    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(24))
    to_stage: Mapped[str] = mapped_column(String(24))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="stage_changes")
    user: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id
