"""Pre-suit mediation (诉前调解): the organisation, the mediator, the sessions, the outcome."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin
from .deadlines import CourtEvent


class Mediation(TimestampMixin, Base):
    __tablename__ = "mediations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    mediator: Mapped[str | None] = mapped_column(String(100))
    started_date: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    ended_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    # the confirmation ruling or mediation document, recorded as a court event
    court_event_id: Mapped[int | None] = mapped_column(ForeignKey("court_events.id"))

    sessions: Mapped[list[MediationSession]] = relationship(
        back_populates="mediation", order_by="MediationSession.held_date, MediationSession.id"
    )
    court_event: Mapped[CourtEvent | None] = relationship()

    @property
    def audit_case_id(self) -> int:
        return self.case_id


class MediationSession(Base):
    __tablename__ = "mediation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)  # scoping
    held_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)

    mediation: Mapped[Mediation] = relationship(back_populates="sessions")

    @property
    def audit_case_id(self) -> int:
        return self.case_id
