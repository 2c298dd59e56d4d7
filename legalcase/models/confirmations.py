from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, MoneyType, UTCDateTime
from .parties import Contact
from .users import User


class Confirmation(Base):
    """A link sent to the debtor's contact to confirm or dispute the statement (对账确认).

    Only the SHA-256 of the link's token is stored; the link works once, until it expires."""

    __tablename__ = "confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    emailed_to: Mapped[str | None] = mapped_column(String(200))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the submission: once, then the link is spent
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(16))  # values.ConfirmationDecision
    signer_name: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    page_sha256: Mapped[str | None] = mapped_column(String(64))
    amount_owed: Mapped[Decimal | None] = mapped_column(MoneyType)  # as shown and answered
    receivable_ids: Mapped[list | None] = mapped_column(JSON)  # the statement's items
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))

    contact: Mapped[Contact | None] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id
