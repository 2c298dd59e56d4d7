"""Downloads of stored objects that are checked against their SHA-256 as they stream.

A small object (up to ``VERIFY_FIRST`` bytes) is read and checked whole before the first
byte is sent: a changed one gets an error page (409) instead. A larger one streams, but its
last chunk is held back until the whole was hashed: when the check fails the response is
cut off (the server closes the connection short of ``Content-Length``), so the client never
holds a complete-looking file. Either way the failure is a "verify" row with ``ok`` false in
the custody log, committed in a transaction of its own (the download's own does not commit).
Used by the web views and the API.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from flask import Response, current_app

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.services import evidence as ev
from legalcase.services.uow import UnitOfWork
from storage import StorageError
from storage.hashing import CHUNK, HashingReader, HashMismatch

log = logging.getLogger(__name__)
VERIFY_FIRST = 8 * 2**20


class StoredFileChanged(DomainError):
    status = 409

    def __init__(self, message: str) -> None:
        super().__init__(
            "integrity_failed", f"{message}。下载已停止，已记入证据保管记录；请联系管理员"
        )


def _record_failure(
    app, kind: str, ident: int, user_id: int | None, sha256: str, actual, aborted: bool
) -> str:
    """A failed check in a unit of work of its own; returns the message."""
    if kind not in ("evidence", "bundle"):  # documents have no custody log: only a log line
        log.error("%s %s: stored bytes do not match SHA-256 %s", kind, ident, sha256)
        return ev.mismatch_message(sha256, actual)
    sessions = app.extensions["legalcase_db"]["sessions"]
    with UnitOfWork(sessions, None, write=True) as uow:
        message = ev.record_failed_download(
            uow.session, kind, ident, user_id, sha256, actual, aborted=aborted
        )
        uow.commit()
    return message


def ascii_fallback(name: str, stem: str = "document") -> str:
    """A plain-ASCII file name that still says something: the name's own ASCII letters and
    digits, and ``stem`` in front when those are no word ("证据册-1.pdf" -> "document-1.pdf")."""
    base, dot, ext = name.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,8}", ext):
        base, ext = name, ""
    plain = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain)
    plain = re.sub(r"-{2,}", "-", plain).strip("-_. ")
    if not re.search(r"[A-Za-z]{2}", plain):
        plain = f"{stem}-{plain}" if plain else stem
    return plain + (f".{ext}" if ext else "")


def content_disposition(name: str, *, inline: bool = False, fallback: str | None = None) -> str:
    """The Content-Disposition of every download (RFC 6266): ``filename`` a meaningful ASCII
    fallback, ``filename*`` the real name in UTF-8 (RFC 5987) when it is not plain ASCII."""
    kind = "inline" if inline else "attachment"
    if re.fullmatch(r"[A-Za-z0-9._ ()+-]+", name):
        return f'{kind}; filename="{name}"'
    plain = ascii_fallback(fallback or name)
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def named(
    response: Response, name: str, *, inline: bool = False, fallback: str | None = None
) -> Response:
    """``response`` (from send_file or built) with its download name set the one way."""
    response.headers["Content-Disposition"] = content_disposition(
        name, inline=inline, fallback=fallback
    )
    return response


def send_verified(
    *,
    kind: str,
    ident: int,
    user_id: int | None,
    key: str,
    sha256: str,
    size: int | None,
    mimetype: str,
    download_name: str,
    as_attachment: bool = True,
    fallback: str | None = None,
) -> Response:
    """The object under ``key`` as a download, checked against ``sha256`` (and ``size``).
    ``kind`` ("evidence", "bundle", "document") and ``ident`` name the row for the custody
    log. Raises ``StoredFileChanged`` when the check fails before anything was sent."""
    app = current_app._get_current_object()

    def refuse(actual: str | None) -> StoredFileChanged:
        db.uow.rollback()  # release the request's write lock before writing on our own
        return StoredFileChanged(
            _record_failure(app, kind, ident, user_id, sha256, actual, aborted=False)
        )

    try:
        reader = HashingReader(db.storage.open(key), sha256, size, key)
    except StorageError:
        raise refuse(None) from None
    first = bytearray()
    try:
        while len(first) < VERIFY_FIRST and (chunk := reader.read(CHUNK)):
            first += chunk
    except HashMismatch as exc:
        reader.close()
        raise refuse(exc.actual) from None
    if reader.checked:  # all of it was read and is right
        reader.close()
        body: bytes | Iterator[bytes] = bytes(first)
    else:
        body = _guarded(app, reader, bytes(first), kind, ident, user_id)
    response = Response(body, mimetype=mimetype)
    if size is not None:
        response.content_length = size
    named(response, download_name, inline=not as_attachment, fallback=fallback)
    response.headers["X-Content-SHA256"] = sha256
    response.set_etag(sha256)
    return response


def _guarded(
    app, reader: HashingReader, first: bytes, kind: str, ident: int, user_id: int | None
) -> Iterator[bytes]:
    try:
        yield from reader.chunks(CHUNK, first)
    except HashMismatch as exc:
        _record_failure(app, kind, ident, user_id, reader.expected, exc.actual, aborted=True)
        raise  # the server cuts the connection: the client's file stays incomplete
    finally:
        reader.close()
