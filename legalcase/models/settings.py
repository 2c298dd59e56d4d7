"""Settings kept in the database by administrators: the law firm's profile, the ladder."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin


class FirmProfile(TimestampMixin, Base):
    """The law firm that signs lawyer's letters (one row). A blank value falls back to the
    configuration (LEGALCASE_FIRM_*)."""

    __tablename__ = "firm_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(64))
    # the firm's letter code for 律函 numbers: 明诚律函〔2026〕第0001号
    code: Mapped[str | None] = mapped_column(String(32))
    lawyers: Mapped[str | None] = mapped_column(String(200))
    # the seal image in the object storage (PNG or JPEG), under its SHA-256
    seal_key: Mapped[str | None] = mapped_column(String(200))
    seal_sha256: Mapped[str | None] = mapped_column(String(64))
    seal_content_type: Mapped[str | None] = mapped_column(String(32))


class LadderRung(TimestampMixin, Base):
    """One rung of the escalation ladder: at ``days`` overdue, a task for the case owner or
    legal staff, due ``due_in_days`` later. Stored rungs replace LEGALCASE_LADDER_DAYS."""

    __tablename__ = "ladder_rungs"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(unique=True)
    days: Mapped[int]
    # the task's reason key (one task per case and key): overdue30, overdue60, ...
    key: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    assignee: Mapped[str] = mapped_column(String(16))  # owner | legal
    due_in_days: Mapped[int]
