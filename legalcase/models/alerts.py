from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class AlertDelivery(Base):
    """One alert (a deadline crossing a threshold, a promise due or broken) sent to one user.

    Its row is written in the same transaction that follows the SMTP server's acceptance, so a
    rerun never sends it again and a failed send leaves nothing behind.
    """

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "alert_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    alert_key: Mapped[str] = mapped_column(String(64))  # deadline:12:t30, promise:5:broken ...
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
