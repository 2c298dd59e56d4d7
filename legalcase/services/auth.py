"""Users, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.models import ApiToken, User
from legalcase.models.base import utcnow

from .audit import set_actor


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    email: str | None = None,
    actor_id: int | None = None,
) -> User:
    errors = {}
    if not username or not username.strip():
        errors["username"] = "请填写用户名"
    if len(password or "") < 8:
        errors["password"] = "密码至少 8 位"
    if role not in {r.value for r in Role}:
        errors["role"] = f"角色应为 {', '.join(r.value for r in Role)} 之一"
    if errors:
        raise ValidationFailed(errors)
    if session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise DomainError("duplicate", f"用户名 {username} 已存在", {"username": "已存在"})
    set_actor(session, actor_id)
    user = User(
        username=username.strip(),
        display_name=display_name or username,
        email=email,
        role=role,
        password_hash=generate_password_hash(password),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active or not check_password_hash(user.password_hash, password):
        raise DomainError("bad_login", "用户名或密码错误", {"password": "用户名或密码错误"})
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, name: str = "api") -> str:
    """Create an API token; the plain token is returned once and never stored."""
    token = "lc_" + secrets.token_urlsafe(32)
    set_actor(session, user.id)
    session.add(
        ApiToken(user_id=user.id, name=name, token_hash=_digest(token), created_at=utcnow())
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _digest(token), ApiToken.is_revoked.is_(False)
        )
    )
    if row is None or not row.user.is_active:
        return None
    return row.user


def update_alert_settings(
    session: Session, actor: User, email: str | None, enabled: bool, thresholds: str
) -> User:
    """Which deadline alerts ``actor`` gets by e-mail (their own settings only); the address
    is checked (syntax only, no DNS) and kept in its normalised form."""
    from email_validator import EmailNotValidError, validate_email

    email = (email or "").strip()
    if enabled and not email:
        raise ValidationFailed({"email": "开启提醒需要填写邮箱"})
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValidationFailed(
                {"email": "邮箱地址格式不正确，请填写如 zhang@example.cn 的地址"}
            ) from None
    user = session.get(User, actor.id)
    set_actor(session, user.id)
    user.email = email or None
    user.is_alerts_enabled = enabled
    user.alert_thresholds = thresholds
    return user
