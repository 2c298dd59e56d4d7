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


def _disposition(name: str) -> dict:
    """The file name for Content-Disposition: plain ASCII, or RFC 5987 with an ASCII fallback."""
    try:
        name.encode("ascii")
        return {"filename": name}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {
            "filename": simple or "download",
            "filename*": f"UTF-8''{quote(name, safe='!#$&+^`|')}",
        }


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
    response.headers.set(
        "Content-Disposition",
        "attachment" if as_attachment else "inline",
        **_disposition(download_name),
    )
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
