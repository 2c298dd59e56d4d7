from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, MoneyType, TimestampMixin, UTCDateTime
from .cases import Case, Contract
from .users import User


class Receivable(TimestampMixin, Base):
    """An invoiced amount the debtor owes, due on a date or by instalments."""

    __tablename__ = "receivables"
    __table_args__ = (UniqueConstraint("creditor_id", "invoice_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    creditor_id: Mapped[int] = mapped_column(ForeignKey("creditors.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    invoice_no: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    # what is paid of it: its payment allocations plus ``paid_before_import``
    paid_amount: Mapped[Decimal] = mapped_column(MoneyType, default=Decimal("0"))
    # paid according to an imported ERP ledger that gave no payment date: it lowers what is
    # owed but is not a payment (no date, no effect on limitation, RULES s.2)
    paid_before_import: Mapped[Decimal] = mapped_column(
        MoneyType, default=Decimal("0"), server_default="0"
    )
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="receivables")
    contract: Mapped[Contract | None] = relationship()
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="receivable", order_by="Instalment.seq", cascade="all, delete-orphan"
    )

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class Instalment(Base):
    __tablename__ = "instalments"
    __table_args__ = (UniqueConstraint("receivable_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    receivable_id: Mapped[int] = mapped_column(ForeignKey("receivables.id"), index=True)
    seq: Mapped[int]
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MoneyType)

    receivable: Mapped[Receivable] = relationship(back_populates="instalments")

    @property
    def audit_case_id(self) -> int:
        return self.receivable.case_id


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    paid_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    method: Mapped[str | None] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan"
    )
    recorded_by: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class PaymentAllocation(Base):
    """How much of a payment went to which receivable."""

    __tablename__ = "payment_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    receivable_id: Mapped[int] = mapped_column(ForeignKey("receivables.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(MoneyType)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    receivable: Mapped[Receivable] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.payment.case_id
