"""Every change to an audited row is written to audit_entries in the same transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, sessionmaker

from legalcase.models import AuditEntry, Base
from legalcase.models.audit import CURRENT_OPERATOR
from legalcase.models.base import utcnow

# Columns never copied into the log.
SECRET_COLUMNS = {"password_hash", "token_hash", "session_nonce"}
# custody_events and security_events are append-only logs of their own
NOT_AUDITED = {"audit_entries", "custody_events", "security_events"}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(obj) -> dict:
    state = inspect(obj)
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in state.mapper.column_attrs
        if attr.key not in SECRET_COLUMNS
    }


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        if attr.key in SECRET_COLUMNS or attr.key == "updated_at":
            continue
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            before[attr.key] = _plain(hist.deleted[0]) if hist.deleted else None
            after[attr.key] = _plain(hist.added[0]) if hist.added else None
    return before, after


def set_actor(session: Session, user_id: int | None) -> None:
    """Name the user to whom this session's changes are attributed."""
    session.info["actor_id"] = user_id


@contextmanager
def operating_as(operator: str | None) -> Iterator[None]:
    """Name the person (not a signed-in user: the CLI's operator) to whom every audit row
    written inside the block is attributed, in the ``operator`` column."""
    token = CURRENT_OPERATOR.set(operator)
    try:
        yield
    finally:
        CURRENT_OPERATOR.reset(token)


def _case_id(obj) -> int | None:
    try:
        return getattr(obj, "audit_case_id", None)
    except Exception:  # a relationship not loaded on a deleted row
        return None


def _after_flush(session: Session, _flush_context) -> None:
    rows = []
    now = utcnow()
    actor = session.info.get("actor_id")
    for action, objs in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objs:
            if not isinstance(obj, Base) or obj.__tablename__ in NOT_AUDITED:
                continue
            if action == "update":
                if not session.is_modified(obj, include_collections=False):
                    continue
                before, after = _changes(obj)
                if not after:
                    continue
            elif action == "create":
                before, after = None, _row(obj)
            else:
                before, after = _row(obj), None
            rows.append(
                {
                    "at": now,
                    "user_id": actor,
                    "case_id": _case_id(obj),
                    "entity": obj.__tablename__,
                    "entity_id": getattr(obj, "id", None),
                    "action": action,
                    "before": before,
                    "after": after,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def install_audit_listener(factory: sessionmaker) -> None:
    from sqlalchemy import event

    event.listen(factory, "after_flush", _after_flush)
