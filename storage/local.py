from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

from .base import ObjectInfo, StorageError

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
        path = self._path(key)
        return ObjectInfo(key, path.stat().st_size) if path.exists() else None

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def discard(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def download_url(self, key: str, filename: str, expires_seconds: int = 600) -> str | None:
        return None

    def set_legal_hold(self, key: str, on: bool = True) -> bool:
        return False
