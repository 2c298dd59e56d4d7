from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .cases import Case
from .users import User


class Task(Base):
    """Work the escalation ladder asks for; one per case and reason."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("case_id", "reason_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    is_done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    assignee: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id
