from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .users import User

# Who runs this process when it is not a signed-in user: the CLI sets it to the operator
# (LEGALCASE_OPERATOR, else the OS user); every audit row written meanwhile names it.
CURRENT_OPERATOR: ContextVar[str | None] = ContextVar("legalcase_operator", default=None)


def _current_operator() -> str | None:
    return CURRENT_OPERATOR.get()


class AuditEntry(Base):
    """Append-only record of a change: who, when, what, before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_case_id_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The person at the command line (no user_id there): see CURRENT_OPERATOR.
    operator: Mapped[str | None] = mapped_column(String(100), default=_current_operator)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()
