from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from .tempfiles import StrayFile

# Presigned download links live this long at most (issue 11: a forwarded link soon dies).
MAX_LINK_SECONDS = 60


class StorageError(Exception):
    """The storage refused or failed; the message says what happened."""


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    version_id: str | None = None
    modified: datetime | None = None  # when it was stored (UTC), where the backend says


class Storage(Protocol):
    name: str

    def put_file(self, key: str, path: Path) -> ObjectInfo:
        """Store the file at ``path`` under ``key`` (streamed, never read whole into memory)."""

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object's bytes; the caller closes it."""

    def stat(self, key: str) -> ObjectInfo | None:
        """The object's size, or None when it is missing."""

    def exists(self, key: str) -> bool: ...

    def list_keys(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every stored object whose key starts with ``prefix`` (not temporary files)."""

    def stray_parts(self, now: datetime | None = None) -> list[StrayFile]:
        """Half-written temporary files of the backend left by a process that died."""

    def discard(self, key: str) -> None:
        """Remove an object stored for a write that then failed (never for kept evidence)."""

    def download_url(
        self, key: str, filename: str, expires_seconds: int = MAX_LINK_SECONDS
    ) -> str | None:
        """A URL for the object living at most MAX_LINK_SECONDS (a link passed on, e.g. in
        an e-mail, is dead within a minute), or None when the backend serves through the
        app (which checks the user's access on every download)."""

    def set_legal_hold(self, key: str, on: bool = True) -> bool:
        """Place a legal hold where the backend supports it; returns whether it did."""
