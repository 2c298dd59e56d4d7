from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class Timestamp(Base):
    """An RFC 3161 timestamp over a stored object's SHA-256 (an evidence item, a generated
    document or a bundle): the authority's DER TimeStampResp, or why there is none yet."""

    __tablename__ = "timestamps"
    __table_args__ = (
        UniqueConstraint("object_kind", "object_id"),
        Index("ix_timestamps_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    object_kind: Mapped[str] = mapped_column(String(16))  # values.TimestampedKind
    object_id: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # the DER TimeStampResp, base64 (the audit log copies rows as JSON)
    token: Mapped[str | None] = mapped_column(Text)
    gen_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    serial_number: Mapped[str | None] = mapped_column(String(64))
    authority: Mapped[str] = mapped_column(String(200))
    authority_url: Mapped[str | None] = mapped_column(String(500))
    is_internal: Mapped[bool]
    status: Mapped[str] = mapped_column(String(16))  # values.TimestampStatus
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def audit_case_id(self) -> int:
        return self.case_id

    @property
    def token_der(self) -> bytes | None:
        return base64.b64decode(self.token) if self.token else None
