"""Monthly targets per collector and for the team (contacts, commitments, recovered amount)
and what was achieved against them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.kpi import Achievement, achievements, month_bounds
from legalcase.domain.money import ZERO
from legalcase.domain.roles import Role, require_admin
from legalcase.models import (
    Case,
    LedgerEntry,
    Payment,
    Promise,
    User,
)
from legalcase.models.propensity import CollectorTarget

from .audit import set_actor
from .clock import SHANGHAI

MONTH = re.compile(r"20\d\d-(0[1-9]|1[0-2])")


def _check_month(month: str) -> str:
    if not MONTH.fullmatch(month or ""):
        raise ValidationFailed({"month": "月份格式应为 YYYY-MM"})
    return month


def done(session: Session, month: str, user_id: int | None) -> tuple[int, int, Decimal]:
    """(contacts made, promises obtained, amount recovered) in ``month`` by ``user_id``
    (the team: everyone): contacts they logged, promises made on their contacts, payments on
    the cases they own."""
    start, end = month_bounds(_check_month(month))
    at = [datetime(d.year, d.month, d.day, tzinfo=SHANGHAI) for d in (start, end)]
    contacts = select(func.count(LedgerEntry.id)).where(
        LedgerEntry.contacted_at >= at[0], LedgerEntry.contacted_at < at[1]
    )
    promises = (
        select(func.count(Promise.id))
        .join(LedgerEntry, LedgerEntry.id == Promise.ledger_entry_id, isouter=True)
        .where(Promise.made_date >= start, Promise.made_date < end)
    )
    paid = (
        select(func.sum(Payment.amount))
        .join(Case, Case.id == Payment.case_id)
        .where(Payment.paid_date >= start, Payment.paid_date < end)
    )
    if user_id is not None:
        contacts = contacts.where(LedgerEntry.user_id == user_id)
        promises = promises.where(LedgerEntry.user_id == user_id)
        paid = paid.where(Case.owner_id == user_id)
    recovered = session.scalar(paid)
    return (
        session.scalar(contacts) or 0,
        session.scalar(promises) or 0,
        recovered or ZERO,
    )


@dataclass(frozen=True)
class TargetRow:
    user_id: int | None
    name: str
    items: list[Achievement]


def month_rows(session: Session, month: str) -> list[TargetRow]:
    """The team, then each active collector (and anyone with a target that month)."""
    _check_month(month)
    targets = {
        t.user_id: (t.contacts, t.commitments, t.recovered)
        for t in session.scalars(select(CollectorTarget).where(CollectorTarget.month == month))
    }
    users = session.scalars(
        select(User)
        .where(User.is_active.is_(True))
        .where((User.role == Role.COLLECTOR.value) | User.id.in_([u for u in targets if u]))
        .order_by(User.display_name, User.id)
    )
    rows = [TargetRow(None, "团队", achievements(targets.get(None), done(session, month, None)))]
    for u in users:
        rows.append(
            TargetRow(
                u.id, u.display_name, achievements(targets.get(u.id), done(session, month, u.id))
            )
        )
    return rows


def set_target(session: Session, actor: User, data: dict) -> CollectorTarget:
    """Set one month's targets for a collector (``user_id``) or the team (blank); admins."""
    require_admin(Role(actor.role))
    set_actor(session, actor.id)
    errors: dict[str, str] = {}
    month = (data.get("month") or "").strip()
    if not MONTH.fullmatch(month):
        errors["month"] = "月份格式应为 YYYY-MM"
    user_id = None
    raw_user = str(data.get("user_id") or "").strip()
    if raw_user:
        if not raw_user.isdigit() or session.get(User, int(raw_user)) is None:
            errors["user_id"] = "用户不存在"
        else:
            user_id = int(raw_user)
    numbers = {}
    for name, what in (("contacts", "联系次数"), ("commitments", "还款承诺")):
        text = str(data.get(name) or "0").strip()
        if not text.isdigit() or int(text) > 100000:
            errors[name] = f"{what}应为 0 至 100000 之间的整数"
        else:
            numbers[name] = int(text)
    try:
        recovered = Decimal(str(data.get("recovered") or "0").strip().replace(",", ""))
        if not recovered.is_finite() or recovered < 0 or recovered > Decimal("1e12"):
            raise InvalidOperation
    except InvalidOperation:
        errors["recovered"] = "回款金额应为 0 至 1 万亿之间的金额"
        recovered = ZERO
    if errors:
        raise ValidationFailed(errors)
    row = session.scalar(
        select(CollectorTarget).where(
            CollectorTarget.month == month,
            CollectorTarget.user_id.is_(None)
            if user_id is None
            else CollectorTarget.user_id == user_id,
        )
    )
    if row is None:
        row = CollectorTarget(user_id=user_id, month=month)
        session.add(row)
    row.contacts, row.commitments = numbers["contacts"], numbers["commitments"]
    row.recovered = recovered.quantize(Decimal("0.01"))
    session.flush()
    return row
