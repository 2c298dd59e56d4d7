"""Uploads are written to a temporary file and hashed as the request body streams in, so a
large file is neither held in memory nor copied a second time."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import Request, current_app

from legalcase.services.evidence import HEAD, Spooled


class HashingTempFile:
    """A write-once temporary file that keeps the SHA-256, size and first bytes of what it got."""

    def __init__(self, directory: str) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=directory, prefix="upload-")
        self._fh = os.fdopen(fd, "w+b")
        self.path = Path(name)
        self._digest = hashlib.sha256()
        self._size = 0
        self._head = b""

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self._size += len(data)
        if len(self._head) < HEAD:
            self._head += bytes(data[: HEAD - len(self._head)])
        return self._fh.write(data)

    def read(self, size: int = -1) -> bytes:
        return self._fh.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def flush(self) -> None:
        self._fh.flush()

    def spooled(self) -> Spooled:
        self._fh.flush()
        return Spooled(self.path, self._digest.hexdigest(), self._size, self._head)

    def close(self) -> None:
        self._fh.close()
        self.path.unlink(missing_ok=True)


class UploadRequest(Request):
    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        return HashingTempFile(current_app.config["UPLOAD_TMP"])
