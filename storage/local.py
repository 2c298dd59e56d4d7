from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from .base import MAX_LINK_SECONDS, ObjectInfo, StorageError
from .tempfiles import StrayFile, stray_part_files

SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789-_/")


class LocalStorage:
    """Objects as files under one root; written to a temporary name, then renamed into place."""

    name = "local"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if not key or set(key) - SAFE or ".." in key or key.startswith("/"):
            raise StorageError(f"invalid object key: {key!r}")
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise StorageError(f"invalid object key: {key!r}")
        return path

    def put_file(self, key: str, path: Path) -> ObjectInfo:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # same key = same content: nothing to write
            return ObjectInfo(key, target.stat().st_size)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            if Path(path).stat().st_dev == target.parent.stat().st_dev:
                os.link(path, tmp)  # same filesystem: no copy at all
            else:
                shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StorageError(f"could not store {key}: {exc.strerror}") from exc
        target.chmod(0o440)
        return ObjectInfo(key, target.stat().st_size)

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise StorageError(f"object {key} is missing") from None

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            st = self._path(key).stat()
        except FileNotFoundError:
            return None
        return ObjectInfo(key, st.st_size, modified=datetime.fromtimestamp(st.st_mtime, UTC))

    def list_keys(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object under the root whose key starts with ``prefix``, in key order;
        half-written ``.part`` files are not objects (see ``storage.tempfiles``)."""
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            base = Path(dirpath).relative_to(self.root).as_posix()
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                key = name if base == "." else f"{base}/{name}"
                if not key.startswith(prefix):
                    continue
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except FileNotFoundError:
                    continue
                yield ObjectInfo(key, st.st_size, modified=datetime.fromtimestamp(st.st_mtime, UTC))

    def stray_parts(self, now: datetime | None = None) -> list[StrayFile]:
        """Half-written ``.part`` files of a process that died, or older than an hour."""
        return stray_part_files(self.root, now)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def download_url(
        self, key: str, filename: str, expires_seconds: int = MAX_LINK_SECONDS
    ) -> str | None:
        return None

    def set_legal_hold(self, key: str, on: bool = True) -> bool:
        return False
