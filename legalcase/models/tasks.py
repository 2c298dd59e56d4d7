from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .cases import Case
from .users import User


class Task(Base):
    """Work the escalation ladder asks for; one per case and reason."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("case_id", "reason_key"),
        Index("ix_tasks_is_done_due_date", "is_done", "due_date"),
    )

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
    # What was done, by whom (a task is only finished with a word on what happened).
    done_note: Mapped[str | None] = mapped_column(Text)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
    comments: Mapped[list[TaskComment]] = relationship(
        back_populates="task", order_by="TaskComment.id"
    )

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class TaskComment(Base):
    """A note on a task: a question, an answer, why it was snoozed or handed over."""

    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)

    task: Mapped[Task] = relationship(back_populates="comments")
    user: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.task.case_id
