"""The security log: failed logins and refused actions, for administrators only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from legalcase.domain.errors import PermissionDenied
from legalcase.domain.roles import Role
from legalcase.models import SecurityEvent, User
from legalcase.models.base import utcnow

KIND_LABELS = {
    "login_failed": "登录失败",
    "forbidden": "操作被拒绝",
}


def _clip(text: str | None, size: int) -> str | None:
    return None if text is None else text[:size]


def record_event(
    session: Session,
    kind: str,
    *,
    username: str | None = None,
    user_id: int | None = None,
    address: str | None = None,
    detail: str | None = None,
    now: datetime | None = None,
) -> SecurityEvent:
    event = SecurityEvent(
        at=now or utcnow(),
        kind=kind,
        username=_clip(username, 64),
        user_id=user_id,
        address=_clip(address, 64),
        detail=_clip(detail, 500),
    )
    session.add(event)
    session.flush()
    return event


def record_failed_login(
    session: Session, username: str, address: str | None, detail: str | None = None
) -> SecurityEvent:
    """A wrong password or an unknown name (the log names the account when it exists)."""
    user_id = session.scalar(select(User.id).where(User.username == username))
    return record_event(
        session,
        "login_failed",
        username=username,
        user_id=user_id,
        address=address,
        detail=detail or ("未知用户名" if user_id is None else "密码错误或账号已停用"),
    )


def recent_events(session: Session, actor: User, limit: int = 200) -> list[SecurityEvent]:
    """The newest events, newest first. Only an administrator may read the log."""
    if Role(actor.role) != Role.ADMIN:
        raise PermissionDenied("只有管理员可以查看安全日志")
    return list(
        session.scalars(
            select(SecurityEvent)
            .options(joinedload(SecurityEvent.user))
            .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
            .limit(limit)
        )
    )
