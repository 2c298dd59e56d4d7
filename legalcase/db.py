"""The database extension: one engine per app and one unit of work per request or command.

``db.session`` and ``db.storage`` are those of the current unit of work (created on first
use in an app context). A request commits once, after its view returned a response with a
status below 400; anything else rolls back, storage included. Requests that may write
(every method but GET/HEAD/OPTIONS, and GET views marked with ``writes``) begin as writers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from legalcase.services.audit import install_audit_listener
from legalcase.services.scope import install_scope_filter
from legalcase.services.uow import IMMEDIATE, UnitOfWork

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# SQLite: how long one attempt waits for the write lock, and how many attempts are made.
SQLITE_BUSY_SECONDS = 10
SQLITE_BEGIN_ATTEMPTS = 6


class DatabaseBusy(Exception):
    """The database stayed locked by other writers; nothing was written."""


def _sqlite_begin(conn) -> None:
    immediate = conn.get_execution_options().get(IMMEDIATE, False)
    statement = "BEGIN IMMEDIATE" if immediate else "BEGIN"
    for attempt in range(SQLITE_BEGIN_ATTEMPTS):
        try:
            conn.exec_driver_sql(statement)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == SQLITE_BEGIN_ATTEMPTS - 1:
                raise DatabaseBusy("数据库正忙，请稍后重试；本次操作未保存") from exc
            time.sleep(0.05 * (attempt + 1))


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            # We emit BEGIN ourselves (below) so that a writer can begin IMMEDIATE.
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _forget_locks(session: Session, *_args) -> None:
    session.info.pop("locked_cases", None)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit_listener(factory)
    install_scope_filter(factory)
    event.listen(factory, "after_commit", _forget_locks)
    event.listen(factory, "after_soft_rollback", _forget_locks)
    return factory


def session_factory(factory: sessionmaker[Session]) -> Callable[..., Session]:
    """``make(write=True)`` is a session whose transactions begin as writers."""
    writer = factory.kw["bind"].execution_options(**{IMMEDIATE: True})

    def make(write: bool = False) -> Session:
        return factory(bind=writer) if write else factory()

    return make


def writes(view: Callable) -> Callable:
    """Mark a GET view that writes (e.g. a custody record of a download): it begins as a writer."""
    view.legalcase_writes = True
    return view


def _request_writes() -> bool:
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "legalcase_writes", False))


class Database:
    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config.get("SQL_ECHO", False))
        factory = make_sessionmaker(engine)
        app.extensions["legalcase_db"] = {
            "engine": engine,
            "sessionmaker": factory,
            "sessions": session_factory(factory),
        }
        app.after_request(self._commit_response)
        app.teardown_appcontext(self._close)

    @staticmethod
    def _state() -> dict:
        return current_app.extensions["legalcase_db"]

    @property
    def engine(self) -> Engine:
        return self._state()["engine"]

    def unit_of_work(self, write: bool = False) -> UnitOfWork:
        """A new unit of work of its own (a job's item, a streamed batch's letter)."""
        return UnitOfWork(
            self._state()["sessions"],
            current_app.extensions["legalcase_storage"],
            write=write,
        )

    @property
    def uow(self) -> UnitOfWork:
        """The unit of work of this request or command."""
        if "uow" not in g:
            # A command writes; a request writes unless it is a plain GET.
            uow = self.unit_of_work(write=not has_request_context() or _request_writes())
            uow.start()
            g.uow = uow
        return g.uow

    @property
    def session(self) -> Session:
        return self.uow.session

    @property
    def storage(self):
        return self.uow.storage

    @staticmethod
    def _commit_response(response):
        uow = g.get("uow")
        if uow is not None and response.status_code < 400:
            uow.commit()
        return response

    @staticmethod
    def _close(_exc: BaseException | None) -> None:
        uow = g.pop("uow", None)
        if uow is not None:
            uow.close()


db = Database()
