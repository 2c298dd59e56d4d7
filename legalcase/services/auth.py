"""Users, passwords, sessions and API tokens."""

from __future__ import annotations

import gzip
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from legalcase.domain.errors import DomainError, NotFound, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.models import ApiToken, AuditEntry, User
from legalcase.models.base import utcnow
from legalcase.models.users import new_session_nonce

from .audit import set_actor

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
DEFAULT_TOKEN_DAYS = 180
# A token's last use is written at most this often, so that reading stays cheap.
TOKEN_USE_INTERVAL = timedelta(minutes=1)
BAD_LOGIN = "用户名或密码错误"


# ---- passwords ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 20,000 most common passwords, lower case (legalcase/data, from Django)."""
    data = files("legalcase.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str | None, username: str | None = None) -> str | None:
    """Why ``password`` may not be chosen as a new password, or None."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"密码最长 {MAX_PASSWORD_LENGTH} 位"
    plain = password.strip().lower()
    if plain in common_passwords() or (username and plain == username.strip().lower()):
        return "这个密码太常见，容易被猜中，请换一个"
    return None


def _check_new_password(password: str | None, username: str | None) -> None:
    problem = password_problem(password, username)
    if problem:
        raise ValidationFailed({"password": problem})


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash made as real ones are: an unknown user costs the same work as a known one."""
    return generate_password_hash(secrets.token_urlsafe(16))


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
    problem = password_problem(password, username)
    if problem:
        errors["password"] = problem
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
    """The active user with this name and password. An unknown name is checked against a
    dummy hash, so that it takes as long as a wrong password (no user enumeration)."""
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _dummy_hash()
    matches = check_password_hash(stored, password)
    if user is None or not matches or not user.is_active:
        raise DomainError("bad_login", BAD_LOGIN, {"password": BAD_LOGIN})
    return user


def user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise DomainError("not_found", f"用户 {username} 不存在", {"username": "不存在"})
    return user


# ---- sessions -------------------------------------------------------------------------


def end_sessions(session: Session, user: User) -> None:
    """End every signed-in session of ``user`` (their cookies stop matching)."""
    session.get(User, user.id).session_nonce = new_session_nonce()


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """The signed-in user changes their own password; their other sessions end."""
    row = session.get(User, user.id)
    if not check_password_hash(row.password_hash, current or ""):
        raise ValidationFailed({"current_password": "当前密码不正确"})
    return set_password(session, row, new, actor_id=row.id)


def set_password(session: Session, user: User, new: str, actor_id: int | None = None) -> User:
    """Set a new password (an administrator's reset); every session of the user ends."""
    _check_new_password(new, user.username)
    row = session.get(User, user.id)
    set_actor(session, actor_id)
    row.password_hash = generate_password_hash(new)
    row.session_nonce = new_session_nonce()
    # the hash is never logged (SECRET_COLUMNS), so the change itself is written here
    session.add(
        AuditEntry(
            at=utcnow(),
            user_id=actor_id,
            entity="users",
            entity_id=row.id,
            action="update",
            before={"password": "******"},
            after={"password": "已重置" if actor_id != row.id else "已修改"},
        )
    )
    return row


def set_role(session: Session, user: User, role: str, actor_id: int | None = None) -> User:
    """Change a user's role (an administrator's decision); their sessions go on."""
    if role not in {r.value for r in Role}:
        raise ValidationFailed({"role": f"角色应为 {', '.join(r.value for r in Role)} 之一"})
    row = session.get(User, user.id)
    if actor_id == row.id and role != Role.ADMIN:
        raise ValidationFailed({"role": "不能取消自己的管理员角色（请另一位管理员操作）"})
    set_actor(session, actor_id)
    row.role = role
    session.flush()
    return row


def set_active(session: Session, user: User, active: bool, actor_id: int | None = None) -> int:
    """Activate or deactivate a user. Deactivation ends their sessions and revokes their API
    tokens; returns how many tokens were revoked."""
    row = session.get(User, user.id)
    set_actor(session, actor_id)
    row.is_active = active
    if active:
        return 0
    row.session_nonce = new_session_nonce()
    return revoke_tokens(session, row, everything=True, actor_id=actor_id, quiet=True)


# ---- API tokens -----------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session,
    user: User,
    name: str = "api",
    days: int = DEFAULT_TOKEN_DAYS,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> str:
    """Create an API token valid for ``days``; the plain token is returned once and never
    stored. ``actor_id``: the administrator issuing it (default: the user)."""
    if days < 1:
        raise ValidationFailed({"days": "有效期至少 1 天"})
    now = now or utcnow()
    token = "lc_" + secrets.token_urlsafe(32)
    set_actor(session, actor_id or user.id)
    session.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=_digest(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def find_token(session: Session, token: str, now: datetime | None = None) -> ApiToken | None:
    """The token row if the token is valid: known, not revoked, not expired, and its user
    active."""
    now = now or utcnow()
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _digest(token),
            ApiToken.is_revoked.is_(False),
            ApiToken.expires_at > now,
        )
    )
    if row is None or not row.user.is_active:
        return None
    return row


def user_for_token(session: Session, token: str) -> User | None:
    row = find_token(session, token)
    return row.user if row is not None else None


def token_use_due(row: ApiToken, now: datetime | None = None) -> bool:
    """Whether this use of the token should be written (at most once a minute)."""
    now = now or utcnow()
    return row.last_used_at is None or row.last_used_at <= now - TOKEN_USE_INTERVAL


def note_token_use(session: Session, row: ApiToken, now: datetime | None = None) -> bool:
    """Record the token's last use, at most once a minute: most requests write nothing.

    Best effort, in the request's own transaction (committed with it): the row is skipped
    when another transaction holds it (PostgreSQL: SKIP LOCKED, so requests with the same
    token never wait for each other), and on SQLite a reading transaction that cannot
    become a writer leaves it for a later request. Returns whether it was written."""
    now = now or utcnow()
    if not token_use_due(row, now):
        return False
    due = (
        select(ApiToken.id)
        .where(
            ApiToken.id == row.id,
            or_(
                ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at <= now - TOKEN_USE_INTERVAL,
            ),
        )
        .with_for_update(skip_locked=True)
    )
    try:
        with session.begin_nested():
            written = session.execute(
                update(ApiToken)
                .where(ApiToken.id.in_(due))
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
    except OperationalError:  # SQLite: the database is busy, or our snapshot is stale
        return False
    return bool(written)


def user_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_status(row: ApiToken, now: datetime | None = None) -> str:
    if row.is_revoked:
        return "revoked"
    return "expired" if row.expires_at <= (now or utcnow()) else "active"


TOKEN_STATUS_LABELS = {"active": "有效", "expired": "已过期", "revoked": "已撤销"}


def revoke_tokens(
    session: Session,
    user: User,
    *,
    name: str | None = None,
    token_id: int | None = None,
    everything: bool = False,
    actor_id: int | None = None,
    quiet: bool = False,
) -> int:
    """Revoke ``user``'s tokens: those named ``name``, the one with ``token_id``, or all
    (``everything``). Returns how many; none found is an error unless ``quiet``."""
    if not everything and name is None and token_id is None:
        raise ValidationFailed({"name": "请指定令牌名称，或撤销全部"})
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.is_revoked.is_(False))
    if name is not None:
        query = query.where(ApiToken.name == name)
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    rows = list(session.scalars(query))
    if not rows and not quiet:
        raise NotFound("可撤销的令牌")
    set_actor(session, actor_id)
    for row in rows:
        row.is_revoked = True
    session.flush()
    return len(rows)


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
