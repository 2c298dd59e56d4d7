from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, Date, Float, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .users import User

evidence_receivables = Table(
    "evidence_receivables",
    Base.metadata,
    Column("evidence_id", ForeignKey("evidence_items.id"), primary_key=True),
    Column("receivable_id", ForeignKey("receivables.id"), primary_key=True),
)
evidence_ledger_entries = Table(
    "evidence_ledger_entries",
    Base.metadata,
    Column("evidence_id", ForeignKey("evidence_items.id"), primary_key=True),
    Column("ledger_entry_id", ForeignKey("ledger_entries.id"), primary_key=True),
)


class EvidenceItem(Base):
    """One piece of evidence. Never overwritten or deleted: superseded or withdrawn with a reason."""

    __tablename__ = "evidence_items"
    __table_args__ = (Index("ix_evidence_items_case_id_status", "case_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(Text)
    document_date: Mapped[date | None] = mapped_column(Date)
    # 原件 / 复印件 / 电子数据 (values.OriginalOrCopy), as the evidence list states it
    original_or_copy: Mapped[str] = mapped_column(String(16), default="copy", server_default="copy")
    transcript: Mapped[str | None] = mapped_column(Text)  # a call recording's words, as entered
    duration_seconds: Mapped[float | None] = mapped_column(
        Float
    )  # a recording's length, read from the file on upload
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(100))
    original_filename: Mapped[str | None] = mapped_column(String(200))
    page_count: Mapped[int | None]
    email_meta: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|superseded|withdrawn
    status_reason: Mapped[str | None] = mapped_column(Text)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_items.id")
    )  # e-mail attachments
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_last_verify_ok: Mapped[bool | None]

    uploaded_by: Mapped[User] = relationship()
    receivables = relationship("Receivable", secondary=evidence_receivables)
    ledger_entries = relationship("LedgerEntry", secondary=evidence_ledger_entries)

    @property
    def audit_case_id(self) -> int:
        return self.case_id

    @property
    def is_original(self) -> bool:
        return self.original_or_copy == "original"

    @is_original.setter
    def is_original(self, value: bool) -> None:
        self.original_or_copy = "original" if value else "copy"


class CustodyEvent(Base):
    """Append-only chain of custody: upload, view, download, export, verify, withdraw, supersede."""

    __tablename__ = "custody_events"
    __table_args__ = (Index("ix_custody_events_evidence_id_at", "evidence_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_bundles.id"))
    action: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    detail: Mapped[dict | None] = mapped_column(JSON)

    user: Mapped[User | None] = relationship()


class EvidenceBundle(Base):
    """An indexed, page-numbered PDF of chosen evidence, stored like evidence."""

    __tablename__ = "evidence_bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    page_count: Mapped[int]
    contents: Mapped[list] = mapped_column(JSON)  # numbers, evidence ids, hashes, page ranges
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def audit_case_id(self) -> int:
        return self.case_id
