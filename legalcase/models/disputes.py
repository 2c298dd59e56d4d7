from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, MoneyType, UTCDateTime
from .receivables import Receivable
from .users import User

dispute_evidence = Table(
    "dispute_evidence",
    Base.metadata,
    Column("dispute_id", ForeignKey("disputes.id"), primary_key=True),
    Column("evidence_id", ForeignKey("evidence_items.id"), primary_key=True),
)


class Dispute(Base):
    """The debtor disputes (part of) a receivable: collection of it pauses until resolved."""

    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_case_id_status", "case_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    receivable_id: Mapped[int] = mapped_column(ForeignKey("receivables.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # values.DisputeReason
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # values.DisputeStatus
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # None: opened by the debtor on the online statement (``confirmation_id``)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmation_id: Mapped[int | None] = mapped_column(ForeignKey("confirmations.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    # upheld: what came off the receivable (its amount before is in the audit log)
    credit_amount: Mapped[Decimal | None] = mapped_column(MoneyType)

    receivable: Mapped[Receivable] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    evidence = relationship("EvidenceItem", secondary=dispute_evidence, order_by="EvidenceItem.id")

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def evidence_ids(self) -> list[int]:
        return [e.id for e in self.evidence]

    @property
    def audit_case_id(self) -> int:
        return self.case_id
