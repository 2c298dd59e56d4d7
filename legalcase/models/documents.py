from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime
from .users import User


class LetterCounter(Base):
    """The last letter number an issuer used in a year; numbers are gap-free per issuer.

    ``issuer`` is ``firm`` (the law firm's 律函 series) or ``creditor:<id>`` (a creditor's own
    letters); ``firm_code`` is the code the issuer's numbers carry.
    """

    __tablename__ = "letter_counters"
    __table_args__ = (UniqueConstraint("issuer", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(40), default="firm", server_default="firm")
    firm_code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)


class GeneratedDocument(Base):
    """A letter or filing generated from a case, stored with its hash."""

    __tablename__ = "generated_documents"
    __table_args__ = (UniqueConstraint("letter_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    letter_number: Mapped[str | None] = mapped_column(String(64))  # none on court filings
    as_of: Mapped[date] = mapped_column(Date)
    template_version: Mapped[int] = mapped_column(default=0)  # 0 = the default shipped template
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id

    @property
    def reference(self) -> str:
        """How the document is named: its letter number, or (a court filing, unnumbered)
        文书 and its id."""
        return self.letter_number or f"文书{self.id}"


class TemplateVersion(Base):
    """An uploaded version of a document template; older versions are kept."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("doc_type", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    version: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    fields_used: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User] = relationship()
