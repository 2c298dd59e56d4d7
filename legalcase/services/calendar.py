"""期限日历: deadlines across cases for a period, and each user's iCal feed.

Passed deadlines nobody has marked handled come first, whatever the period: they are the
ones that cost money. Dates are the day a deadline acts on (a provisional one: the earlier of
its two dates, RULES s.1).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from legalcase.domain.case_deadlines import KIND_LABELS
from legalcase.domain.errors import ValidationFailed
from legalcase.domain.roles import Role
from legalcase.models import Case, CaseDeadline, User

from .audit import set_actor
from .clock import SHANGHAI
from .next_deadline import acts_on, acts_on_expr, is_open_expr

STATUSES = {"open": "待处理", "handled": "已处理", "all": "全部"}
MAX_DAYS = 400  # one request covers at most a year and a bit
FEED_BACK_DAYS = 30
FEED_AHEAD_DAYS = 730


@dataclass
class CalendarQuery:
    start: date
    end: date
    kind: str | None = None
    owner_id: int | None = None
    status: str = "open"

    def check(self) -> None:
        errors = {}
        if self.end < self.start:
            errors["to"] = "结束日期早于开始日期"
        elif (self.end - self.start).days > MAX_DAYS:
            errors["to"] = f"一次最多查询 {MAX_DAYS} 天"
        if self.kind is not None and self.kind not in KIND_LABELS:
            errors["kind"] = "未知的期限类型"
        if self.status not in STATUSES:
            errors["status"] = "应为 open、handled 或 all"
        if errors:
            raise ValidationFailed(errors)


def calendar_deadlines(
    session: Session, q: CalendarQuery, today: date, limit: int = 5000
) -> list[CaseDeadline]:
    """Deadlines acting between ``q.start`` and ``q.end``; with ``status`` open, also every
    passed unhandled one before the period, first. (Screens and the API ``check()`` the
    query first; the feed's period is longer on purpose.)"""
    day = acts_on_expr()
    in_period = and_(day >= q.start, day <= q.end)
    stmt = (
        select(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(CaseDeadline.is_active.is_(True), CaseDeadline.due_date.is_not(None))
        .options(joinedload(CaseDeadline.case).joinedload(Case.owner))
    )
    if q.status == "open":
        stmt = stmt.where(is_open_expr(), or_(in_period, day < today))
    elif q.status == "handled":
        stmt = stmt.where(CaseDeadline.is_handled.is_(True), in_period)
    else:
        stmt = stmt.where(in_period)
    if q.kind:
        stmt = stmt.where(CaseDeadline.kind == q.kind)
    if q.owner_id:
        stmt = stmt.where(Case.owner_id == q.owner_id)
    rows = list(session.scalars(stmt.order_by(day, CaseDeadline.id).limit(limit)).unique())
    passed = [d for d in rows if q.status == "open" and acts_on(d) < today]
    return passed + [d for d in rows if d not in passed]


def month_grid(year: int, month: int) -> list[list[date | None]]:
    """The weeks of a month, Monday first, with None outside the month."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    weeks, week = [], [None] * first.weekday()
    day = first
    while day < nxt:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


# ---- the iCal feed ----------------------------------------------------------------


def calendar_token(session: Session, user: User, reset: bool = False) -> str:
    """The user's feed token, made on first use; ``reset`` makes a new one (the old URL dies)."""
    if user.calendar_token is None or reset:
        set_actor(session, user.id)
        user.calendar_token = secrets.token_urlsafe(32)
        session.flush()
    return user.calendar_token


def user_by_calendar_token(session: Session, token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = session.scalar(select(User).where(User.calendar_token == token))
    if user is None or not user.is_active:
        return None
    return user


def feed(session: Session, user: User, today: date) -> bytes:
    """The user's deadlines as iCalendar: a collector's own cases, everyone else's all the
    cases they may see (the session carries their creditor scope)."""
    from icalendar import Calendar, Event

    q = CalendarQuery(
        today - timedelta(days=FEED_BACK_DAYS),
        today + timedelta(days=FEED_AHEAD_DAYS),
        owner_id=user.id if Role(user.role) == Role.COLLECTOR else None,
    )
    cal = Calendar()
    cal.add("prodid", "-//legalcase//deadlines//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"法务催收期限（{user.display_name}）")
    stamp = datetime.combine(today, time(), tzinfo=SHANGHAI)
    for d in calendar_deadlines(session, q, today):
        day = acts_on(d)
        passed = day < today
        event = Event()
        event.add("uid", f"deadline-{d.id}@legalcase")
        prefix = f"【已过 {(today - day).days} 天未处理】" if passed else ""
        whose = f"（{d.guarantor_label}）" if d.guarantor_label else ""  # one per guarantor
        event.add("summary", f"{prefix}{KIND_LABELS.get(d.kind, d.kind)}{whose}：{d.case.title}")
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("description", d.basis or "")
        event.add("dtstamp", stamp)
        cal.add_component(event)
    return cal.to_ical()
