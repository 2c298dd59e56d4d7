"""Allocation (分案): the rules that give cases to collectors, their capacity, and the log."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, MoneyType, TimestampMixin, UTCDateTime
from .cases import Case
from .users import Creditor, User

# The collectors (the team) a rule gives its cases to.
allocation_rule_members = Table(
    "allocation_rule_members",
    Base.metadata,
    Column("rule_id", ForeignKey("allocation_rules.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class AllocationRule(TimestampMixin, Base):
    """Cases that match every condition given (a blank condition matches all) go to the
    least-loaded of the rule's collectors that still has room; rules are tried by priority."""

    __tablename__ = "allocation_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    priority: Mapped[int] = mapped_column(Integer, default=100, server_default="100")
    is_active: Mapped[bool] = mapped_column(default=True, server_default="1")
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"))
    # aging tiers (domain.aging.Tier values), comma separated; empty: any
    tiers: Mapped[str | None] = mapped_column(String(100))
    # outstanding amount band: min <= amount < max (either may be blank)
    min_amount: Mapped[Decimal | None] = mapped_column(MoneyType)
    max_amount: Mapped[Decimal | None] = mapped_column(MoneyType)
    # province / city names matched in the debtor's address, e.g. "浙江、上海市"
    regions: Mapped[str | None] = mapped_column(String(300))

    creditor: Mapped[Creditor | None] = relationship()
    members: Mapped[list[User]] = relationship(
        secondary=allocation_rule_members, order_by="User.id"
    )


class CollectorCapacity(Base):
    """The most open cases a user may own when cases are given to them (no row: no limit)."""

    __tablename__ = "collector_capacities"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    max_open_cases: Mapped[int] = mapped_column(Integer)

    user: Mapped[User] = relationship()


class AllocationLog(Base):
    """Who gave which case to whom, when, and by which rule (or by hand)."""

    __tablename__ = "allocation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # the signed-in user who did it; None for the command line (see ``operator``)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    operator: Mapped[str | None] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(8))  # rule | manual
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_rules.id"))
    rule_name: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    case: Mapped[Case] = relationship()
    from_user: Mapped[User | None] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])
    by_user: Mapped[User | None] = relationship(foreign_keys=[by_user_id])
