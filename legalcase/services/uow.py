"""The unit of work: one action's transaction, the objects it stored, and its one commit.

Every action (a request, a CLI command, a background job) opens one unit of work, hands
its ``session`` and ``storage`` to the services, and commits once at its boundary. The
services never commit. A rollback also removes the objects that were new to storage in
this unit of work, so nothing the database does not know is left behind; an object that
cannot be removed (a storage failure) is left for ``legalcase evidence verify`` to report.

Writes that change a case serialise on that case: ``lock_case`` takes ``SELECT ... FOR
UPDATE`` on PostgreSQL; on SQLite every writing unit of work begins with ``BEGIN
IMMEDIATE`` (see ``legalcase.db``), which serialises writers on the whole database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import ObjectInfo, Storage

log = logging.getLogger(__name__)

# Execution option read by the SQLite "begin" listener: start the transaction as a writer.
IMMEDIATE = "legalcase_immediate"


class TrackedStorage:
    """A storage that remembers which keys were new in this unit of work."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.new_keys: list[str] = []

    def put_file(self, key: str, path: Path) -> ObjectInfo:
        existed = self.inner.exists(key)
        info = self.inner.put_file(key, path)
        if not existed:
            self.new_keys.append(key)
        return info

    def discard_new(self) -> list[str]:
        """Remove the objects stored in this unit of work; returns the keys that stayed."""
        left = []
        for key in reversed(self.new_keys):
            try:
                self.inner.discard(key)
            except Exception:  # reported later by the storage reconciliation
                log.exception("could not remove %s after a rollback", key)
                left.append(key)
        self.new_keys.clear()
        return left

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class UnitOfWork:
    """``with UnitOfWork(factory, storage, write=True) as uow: ...; uow.commit()``.

    ``factory(write=...)`` makes the session. Leaving the block without a commit rolls
    back, storage included.
    """

    def __init__(
        self,
        session_factory: Callable[..., Session],
        storage: Storage | None = None,
        *,
        write: bool = False,
    ) -> None:
        self._factory = session_factory
        self._inner_storage = storage
        self.write = write
        self.session: Session | None = None
        self.storage: TrackedStorage | None = None

    def __enter__(self) -> UnitOfWork:
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()

    def start(self) -> None:
        # A writer's every transaction begins as a writer (SQLite: BEGIN IMMEDIATE).
        self.session = self._factory(write=self.write)
        self.storage = TrackedStorage(self._inner_storage) if self._inner_storage else None

    def commit(self) -> None:
        self.session.commit()
        if self.storage is not None:
            self.storage.new_keys.clear()

    def rollback(self) -> None:
        self.session.rollback()
        if self.storage is not None:
            self.storage.discard_new()

    def close(self) -> None:
        if self.session is None:
            return
        try:
            self.session.rollback()
        finally:
            if self.storage is not None:
                self.storage.discard_new()
            self.session.close()
            self.session = None


def lock_case(session: Session, case_id: int) -> None:
    """Serialise writes to one case: wait for other writers of it, then read it afresh.

    PostgreSQL: ``SELECT ... FOR UPDATE`` of the case row. SQLite: the writing transaction
    already holds the database's write lock (BEGIN IMMEDIATE), so this only re-reads.
    Everything loaded before the lock is expired so that balances are read after it.
    """
    lock_cases(session, [case_id])


def lock_cases(session: Session, case_ids: list[int]) -> None:
    """Lock several cases at once, in id order (so that two writers never wait on each other)."""
    from legalcase.models import Case

    locked: set[int] = session.info.setdefault("locked_cases", set())
    wanted = sorted(set(case_ids) - locked)
    if not wanted:
        return
    if session.dirty:
        raise RuntimeError("lock the case before changing anything")
    session.execute(select(Case.id).where(Case.id.in_(wanted)).order_by(Case.id).with_for_update())
    locked.update(wanted)
    session.expire_all()
