"""Field visits (上门催收, issue 17 point 4): planned with a team, recorded afterwards.

What was said and agreed is a ledger entry of channel ``visit`` (``ledger_entry_id``): its
promise, its demand or, once the signed commitment is uploaded, its acknowledgment reach the
deadline engine like any other contact. Photos are evidence items; ``VisitPhoto`` keeps when
and where each was taken.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin, UTCDateTime
from .evidence import EvidenceItem
from .ledger import LedgerEntry
from .users import User


class Visit(TimestampMixin, Base):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    planned_date: Mapped[date] = mapped_column(Date)
    purpose: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="planned")  # values.VisitStatus
    visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    met_person: Mapped[str | None] = mapped_column(String(100))
    met_role: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(16))  # values.Outcome
    summary: Mapped[str | None] = mapped_column(Text)
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    commitment_evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_items.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    members: Mapped[list[VisitMember]] = relationship(
        back_populates="visit", order_by="VisitMember.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list[VisitPhoto]] = relationship(
        back_populates="visit", order_by="VisitPhoto.id"
    )
    ledger_entry: Mapped[LedgerEntry | None] = relationship()
    commitment: Mapped[EvidenceItem | None] = relationship()
    user: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class VisitMember(Base):
    """Who goes (planned) or went (recorded), with the role (values.VisitRole)."""

    __tablename__ = "visit_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(16))

    visit: Mapped[Visit] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class VisitPhoto(Base):
    """A photo of the visit, kept as evidence, with when and where it was taken."""

    __tablename__ = "visit_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), unique=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300))

    visit: Mapped[Visit] = relationship(back_populates="photos")
    evidence: Mapped[EvidenceItem] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id
