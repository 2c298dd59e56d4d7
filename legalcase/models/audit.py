from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .users import User


class AuditEntry(Base):
    """Append-only record of a change: who, when, what, before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()
