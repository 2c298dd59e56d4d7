"""Repayment plans (还款协议): instalments of principal and interest, followed against payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, MoneyType, TimestampMixin
from .ledger import LedgerEntry
from .users import User


class RepaymentPlan(TimestampMixin, Base):
    """A signed repayment agreement: the debtor's acknowledgment (its ledger entry) and the
    instalments; a missed instalment, ``grace_days`` after its due date, makes the whole
    balance due (the acceleration clause). Its status is derived (domain.plans)."""

    __tablename__ = "repayment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # the agreement in the collection ledger, as the debtor's acknowledgment (RULES.md s.2)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    agreed_date: Mapped[date] = mapped_column(Date)
    grace_days: Mapped[int] = mapped_column(default=0)
    remind_days: Mapped[int] = mapped_column(default=3)
    note: Mapped[str | None] = mapped_column(Text)
    # closed by a user (renegotiated, superseded by a new plan): no reminders, no acceleration
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    ledger_entry: Mapped[LedgerEntry | None] = relationship()
    instalments: Mapped[list[PlanInstalment]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanInstalment.seq"
    )

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class PlanInstalment(Base):
    """One instalment: principal and interest due on a date."""

    __tablename__ = "plan_instalments"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("repayment_plans.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)  # scoping
    seq: Mapped[int]
    due_date: Mapped[date] = mapped_column(Date)
    principal: Mapped[Decimal] = mapped_column(MoneyType)
    interest: Mapped[Decimal] = mapped_column(MoneyType)

    plan: Mapped[RepaymentPlan] = relationship(back_populates="instalments")

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest

    @property
    def audit_case_id(self) -> int:
        return self.case_id
