"""The database extension: one engine per app, one session per app context."""

from __future__ import annotations

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from legalcase.services.audit import install_audit_listener


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit_listener(factory)
    return factory


class Database:
    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config.get("SQL_ECHO", False))
        app.extensions["legalcase_db"] = {
            "engine": engine,
            "sessionmaker": make_sessionmaker(engine),
        }
        app.teardown_appcontext(self._close)

    @staticmethod
    def _state() -> dict:
        from flask import current_app

        return current_app.extensions["legalcase_db"]

    @property
    def engine(self) -> Engine:
        return self._state()["engine"]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = self._state()["sessionmaker"]()
        return g.db_session

    @staticmethod
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


db = Database()
