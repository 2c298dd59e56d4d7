"""Uploaded ledgers kept in object storage between the steps of an import (issue 15 point 5).

An upload is checked (``read_table``) and stored under ``imports/uploads/<token>`` in the
deployment's storage (local directory, or MinIO/S3 shared by every server); the mapping,
the dry run and the import (a job on any worker) read it back by its token. Nothing stays
in one server's temp directory: the temporary copy a step needs is named by its process
(``upload-<pid>-…``, swept by ``storage.tempfiles`` if the process dies) and removed when the
step ends, whether it succeeded or failed. An upload is kept ``TOKEN_SECONDS``.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from legalcase.domain.errors import NotFound

from .plan import read_table

PREFIX = "imports/uploads/"
TOKEN_SECONDS = 3600  # an uploaded ledger waits this long for its dry run and import
CHUNK = 1024 * 1024


def key_of(token: str) -> str:
    """The storage key of the upload ``token``; NotFound for anything but a token."""
    if len(token) != 32 or any(c not in "0123456789abcdef" for c in token):
        raise NotFound("导入文件")
    return f"{PREFIX}{token}"


def _gone() -> NotFound:
    gone = NotFound("导入文件")
    gone.message = "导入文件不存在或已过期（上传后保留 1 小时），请重新上传"
    return gone


@contextmanager
def _temp(tmp_dir: str | Path, token: str) -> Iterator[Path]:
    """A temporary file of this process for ``token``, removed on leaving (error or not)."""
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    path = Path(tmp_dir) / f"upload-{os.getpid()}-import-{token}"
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def stage(
    storage, stream: BinaryIO, tmp_dir: str | Path
) -> tuple[str, list[str], list[dict[str, str]]]:
    """Check the uploaded ledger ``stream`` and keep it in storage; returns (token, headers,
    rows). A file that cannot be read raises its DomainError and nothing is kept."""
    token = secrets.token_hex(16)
    with _temp(tmp_dir, token) as path:
        with open(path, "wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        headers, rows = read_table(path)
        storage.put_file(key_of(token), path)
    return token, headers, rows


def require(storage, token: str, now: datetime | None = None) -> str:
    """The storage key of the upload ``token`` (for the import job, which reads it there).
    NotFound, with a message for the user, when it is missing or older than TOKEN_SECONDS
    (then it is removed from storage too)."""
    key = key_of(token)
    info = storage.stat(key)
    now = now or datetime.now(UTC)
    if info is not None and info.modified is not None:
        if now - info.modified > timedelta(seconds=TOKEN_SECONDS):
            storage.discard(key)
            info = None
    if info is None:
        raise _gone()
    return key


@contextmanager
def local_copy(
    storage, token: str, tmp_dir: str | Path, now: datetime | None = None
) -> Iterator[Path]:
    """The upload ``token`` as a temporary local file for one step (removed afterwards);
    NotFound as ``require``."""
    key = require(storage, token, now)
    with _temp(tmp_dir, token) as path:
        with storage.open(key) as src, open(path, "wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
        yield path


def read(storage, token: str, tmp_dir: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """Headers and rows of the upload ``token`` (for the mapping and the dry run)."""
    with local_copy(storage, token, tmp_dir) as path:
        return read_table(path)


def discard(storage, token: str) -> None:
    """Forget the upload ``token`` (after its import)."""
    storage.discard(key_of(token))


def sweep(storage, now: datetime | None = None) -> int:
    """Remove uploads older than TOKEN_SECONDS (the daily temp cleanup); returns how many."""
    now = now or datetime.now(UTC)
    old = [
        info.key
        for info in storage.list_keys(PREFIX)
        if info.modified is not None and now - info.modified > timedelta(seconds=TOKEN_SECONDS)
    ]
    for key in old:
        storage.discard(key)
    return len(old)
