from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from legalcase.domain.roles import Role

from .base import Base, TimestampMixin, UTCDateTime


def new_session_nonce() -> str:
    return secrets.token_hex(16)


class Creditor(TimestampMixin, Base):
    """One of our own companies, in whose name debts are collected."""

    __tablename__ = "creditors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    address: Mapped[str | None] = mapped_column(String(300))
    bank_account: Mapped[str | None] = mapped_column(String(200))
    # identity and contact printed on letters and filings (DOCUMENTS.md v2 "Parties")
    legal_rep: Mapped[str | None] = mapped_column(String(100))  # 法定代表人
    legal_rep_title: Mapped[str | None] = mapped_column(String(50))  # 职务
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # the payee account (收款账户)
    bank_name: Mapped[str | None] = mapped_column(String(100))
    account_name: Mapped[str | None] = mapped_column(String(200))
    account_number: Mapped[str | None] = mapped_column(String(64))
    # the code of the creditor's own letter series, e.g. 华东建机催 -> 华东建机催〔2026〕第0007号
    letter_code: Mapped[str | None] = mapped_column(String(32))


# A user limited to some creditor entities (a group's subsidiaries) has rows here; a user
# without rows sees every creditor's cases (the default).
user_creditors = Table(
    "user_creditors",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("creditor_id", ForeignKey("creditors.id", ondelete="CASCADE"), primary_key=True),
)


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=Role.COLLECTOR.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Which alerts the user gets: days-before thresholds and "overdue" (comma separated).
    alert_thresholds: Mapped[str] = mapped_column(
        String(64), default="90,30,7,1,overdue", server_default="90,30,7,1,overdue"
    )
    is_alerts_enabled: Mapped[bool] = mapped_column(default=True, server_default="1")
    # Part of every signed-in session's id: a new value ends all the user's sessions
    # (logout, deactivation, password change).
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    # The secret part of the user's iCal feed URL (services.calendar); None until first asked.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")
    # Empty: every creditor (see services.scope).
    scoped_creditors: Mapped[list[Creditor]] = relationship(
        secondary=user_creditors, order_by="Creditor.id"
    )

    @property
    def creditor_scope(self) -> frozenset[int] | None:
        """The creditor ids this user may see, or None for all of them."""
        ids = frozenset(c.id for c in self.scoped_creditors)
        return ids or None

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id kept in the session cookie: a cookie of an ended session no longer matches."""
        return f"{self.id}:{self.session_nonce}"


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most once a minute per token (see services.auth.TOKEN_USE_INTERVAL).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(back_populates="tokens")
