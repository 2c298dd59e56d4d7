from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legalcase.domain.promises import PromiseStatus

from .base import Base, MoneyType, TimestampMixin, UTCDateTime
from .parties import Contact
from .receivables import Receivable
from .users import User


class LedgerEntry(TimestampMixin, Base):
    """One contact with the debtor side: 催收台账."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_case_id_contacted_at", "case_id", "contacted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(16))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    person_reached: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    non_payment_reason: Mapped[str | None] = mapped_column(String(16))
    # What the contact means for limitation: a demand (from the day it arrived, to the
    # debtor or the guarantor) or the debtor's acknowledgment (signed statement, plan...).
    legal_effect: Mapped[str] = mapped_column(String(16), default="none", server_default="none")
    addressee: Mapped[str] = mapped_column(String(16), default="debtor", server_default="debtor")
    arrival_date: Mapped[date | None] = mapped_column(Date)
    # when to call again: a task "跟进：…" for the case owner, due that day
    next_follow_up: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User] = relationship()
    contact: Mapped[Contact | None] = relationship()
    promises: Mapped[list[Promise]] = relationship(back_populates="ledger_entry")
    # The receivables a demand or a signed statement names; none named: all of the case's.
    named: Mapped[list[LedgerEntryReceivable]] = relationship(
        back_populates="ledger_entry",
        cascade="all, delete-orphan",
        order_by="LedgerEntryReceivable.receivable_id",
    )

    @property
    def receivable_ids(self) -> list[int]:
        return [n.receivable_id for n in self.named]

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class LedgerEntryReceivable(Base):
    """A receivable a ledger entry (demand, statement of account) names (RULES.md section 2)."""

    __tablename__ = "ledger_entry_receivables"
    __table_args__ = (UniqueConstraint("ledger_entry_id", "receivable_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    receivable_id: Mapped[int] = mapped_column(ForeignKey("receivables.id"), index=True)

    ledger_entry: Mapped[LedgerEntry] = relationship(back_populates="named")
    receivable: Mapped[Receivable] = relationship()

    @property
    def audit_case_id(self) -> int | None:
        entry = self.ledger_entry
        if entry is None:  # removed from its entry: the entry it had before the flush
            before = inspect(self).attrs.ledger_entry.history.deleted
            entry = before[0] if before else None
        return entry.case_id if entry is not None else None


class Promise(TimestampMixin, Base):
    """A promise to pay an amount by a date; kept or broken by itself."""

    __tablename__ = "promises"
    __table_args__ = (Index("ix_promises_status_due_date", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    made_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default=PromiseStatus.OPEN.value)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ledger_entry: Mapped[LedgerEntry | None] = relationship(back_populates="promises")

    @property
    def audit_case_id(self) -> int:
        return self.case_id
