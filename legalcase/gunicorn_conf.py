"""Gunicorn settings for legalcase (``legalcase serve`` applies them; a deployment may run
``gunicorn -c python:legalcase.gunicorn_conf legalcase.wsgi:app`` directly).

Threaded workers (``gthread``): the worker's main loop tells the arbiter it is alive while a
request thread is still reading a long upload, so a 150 MB evidence or import file on a slow
line is not killed as a silent worker (a ``sync`` worker is killed after ``timeout`` seconds
of one request). ``timeout`` is then only how long a worker that hangs outright lives on.
Request bodies are limited by the app (``MAX_CONTENT_LENGTH``, EVIDENCE_MAX_MB,
IMPORT_MAX_MB: legalcase.web.limits); gunicorn limits the request line and headers.
Every value can be set by an environment variable of the same name, upper case, with the
prefix LEGALCASE_GUNICORN_ (e.g. LEGALCASE_GUNICORN_TIMEOUT=600).
"""

from __future__ import annotations

import os


def _env(name: str, default):
    raw = os.environ.get(f"LEGALCASE_GUNICORN_{name.upper()}")
    if raw is None:
        return default
    return type(default)(raw)


worker_class = _env("worker_class", "gthread")
threads = _env("threads", 4)  # requests in flight per worker process
timeout = _env("timeout", 300)  # seconds a worker may stay silent before it is restarted
graceful_timeout = _env("graceful_timeout", 300)  # a restart lets running uploads finish
keepalive = _env("keepalive", 5)
limit_request_line = _env("limit_request_line", 8190)
limit_request_fields = _env("limit_request_fields", 100)
limit_request_field_size = _env("limit_request_field_size", 8190)
accesslog = "-"


def _office_down() -> None:
    """This process's warm LibreOffice (unoserver + soffice, a process group of their own,
    so a Ctrl-C at the terminal does not reach them) is stopped with the process."""
    from docgen.warm import shutdown

    shutdown()


def worker_exit(server, worker) -> None:  # each worker, as it exits (INT, TERM, QUIT, restart)
    del server, worker
    _office_down()


def on_exit(server) -> None:  # the arbiter, as the server stops
    del server
    _office_down()


SETTINGS = (
    "worker_exit",
    "on_exit",
    "worker_class",
    "threads",
    "timeout",
    "graceful_timeout",
    "keepalive",
    "limit_request_line",
    "limit_request_fields",
    "limit_request_field_size",
    "accesslog",
)


def settings(database_url: str = "") -> dict:
    """The settings above by name (``legalcase serve`` sets each on its gunicorn). On SQLite
    one request thread per worker unless LEGALCASE_GUNICORN_THREADS says otherwise: SQLite
    takes one writer at a time, and more threads only queue on its lock (still a ``gthread``
    worker, whose main loop keeps a long upload's worker alive)."""
    out = {name: globals()[name] for name in SETTINGS}
    if database_url.startswith("sqlite") and "LEGALCASE_GUNICORN_THREADS" not in os.environ:
        out["threads"] = 1
    return out
