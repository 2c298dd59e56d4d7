"""The one streaming SHA-256: a writer that hashes what it spools to a temporary file, a
function that hashes a stream, and a reader that hashes what it hands out and refuses, at
the end, bytes that are not the ones registered.

Every stored object's SHA-256 is computed here and re-checked here; nothing else in the
code base calls ``hashlib.sha256`` on stored bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .base import StorageError

CHUNK = 1024 * 1024
HEAD = 8192  # the first bytes kept for type detection


class TooLarge(StorageError):
    """A stream was longer than the limit it was spooled with (nothing was kept)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class HashMismatch(StorageError):
    """The bytes read are not the ones registered: a changed, truncated or grown object."""

    def __init__(self, key: str, expected: str, actual: str, size: int | None = None) -> None:
        self.key, self.expected, self.actual, self.size = key, expected, actual, size
        super().__init__(f"{key}: SHA-256 should be {expected}, is {actual}")


@dataclass
class Spooled:
    """A stream written to a temporary file: where, its SHA-256, size and first bytes."""

    path: Path
    sha256: str
    size: int
    head: bytes


def temp_prefix(kind: str) -> str:
    """``kind-<pid>-``: a temporary file names the process that owns it, so that a file left
    by a process that died (kill -9) can be told from one still being written."""
    return f"{kind}-{os.getpid()}-"


class HashingWriter:
    """A temporary file that keeps the SHA-256, size and first bytes of what is written.

    Past ``max_bytes`` it stops writing to disk (but keeps counting), so an oversized
    stream never fills the disk; ``spooled()`` then raises ``TooLarge``. ``close()``
    removes the file unless it was handed on with ``keep()``.
    """

    def __init__(
        self, directory: str | Path, max_bytes: int | None = None, kind: str = "upload"
    ) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=directory, prefix=temp_prefix(kind))
        self._fh = os.fdopen(fd, "w+b")
        self.path = Path(name)
        self.max_bytes = max_bytes
        self._digest = hashlib.sha256()
        self.size = 0
        self._head = b""
        self._kept = False

    def write(self, data: bytes) -> int:
        n = len(data)
        self._digest.update(data)
        self.size += n
        if len(self._head) < HEAD:
            self._head += bytes(data[: HEAD - len(self._head)])
        if self.max_bytes is None or self.size <= self.max_bytes:
            self._fh.write(data)
        return n

    def read(self, size: int = -1) -> bytes:
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise TooLarge(self.max_bytes)  # never hand on a silently truncated file
        return self._fh.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._fh.seek(offset, whence)

    def tell(self) -> int:
        return self._fh.tell()

    def flush(self) -> None:
        self._fh.flush()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._fh.closed

    def spooled(self) -> Spooled:
        """What was written (the file stays until ``close``); ``TooLarge`` past the limit."""
        self._fh.flush()
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise TooLarge(self.max_bytes)
        return Spooled(self.path, self._digest.hexdigest(), self.size, self._head)

    def keep(self) -> Spooled:
        """Hand the file on: ``close`` no longer removes it (the caller does)."""
        spooled = self.spooled()
        self._kept = True
        return spooled

    def close(self) -> None:
        self._fh.close()
        if not self._kept:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> HashingWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def spool(
    stream: BinaryIO, directory: str | Path, max_bytes: int | None = None, kind: str = "upload"
) -> Spooled:
    """Copy a stream to a temporary file in chunks, hashing as it goes; the caller removes
    ``Spooled.path``. Past ``max_bytes``: ``TooLarge`` and no file is left."""
    with HashingWriter(directory, max_bytes, kind) as out:
        while chunk := stream.read(CHUNK):
            out.write(chunk)
            if max_bytes is not None and out.size > max_bytes:
                raise TooLarge(max_bytes)
        return out.keep()


def iter_chunks(stream: BinaryIO, size: int = CHUNK) -> Iterator[bytes]:
    while chunk := stream.read(size):
        yield chunk


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    """SHA-256 (hex) and size of a stream, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    for chunk in iter_chunks(stream):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def hash_path(path: str | Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file."""
    with open(path, "rb") as fh:
        return hash_stream(fh)


class HashingReader:
    """Wraps a stream of a stored object; hashes what is read and, at the end of the stream,
    raises ``HashMismatch`` unless the bytes are exactly the registered ones (SHA-256 and,
    when given, size; a stream longer than ``size`` fails as soon as it grows past it).

    ``chunks()`` yields the object and always holds back its last chunk until the whole was
    checked: a consumer that forwards the chunks (a download) never forwards a complete
    changed file, since the last bytes are withheld when the check fails.
    """

    def __init__(
        self, stream: BinaryIO, sha256: str, size: int | None = None, key: str = ""
    ) -> None:
        self._stream = stream
        self.expected = sha256
        self.expected_size = size
        self.key = key
        self._digest = hashlib.sha256()
        self.size = 0
        self.checked = False

    def _fail(self) -> HashMismatch:
        return HashMismatch(self.key, self.expected, self._digest.hexdigest(), self.size)

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size if size is not None and size >= 0 else -1)
        if data:
            self._digest.update(data)
            self.size += len(data)
            if self.expected_size is not None and self.size > self.expected_size:
                raise self._fail()
            if size is None or size < 0:
                self._check()  # read() to the end: check now
            return data
        self._check()
        return data

    def _check(self) -> None:
        if self.checked:
            return
        actual = self._digest.hexdigest()
        if actual != self.expected or (
            self.expected_size is not None and self.size != self.expected_size
        ):
            raise self._fail()
        self.checked = True

    def chunks(self, size: int = CHUNK, first: bytes = b"") -> Iterator[bytes]:
        """The rest of the stream (after ``first``, bytes already read through this reader),
        the last chunk held back until the whole was checked."""
        held = first or self.read(size)
        while held:
            nxt = self.read(size)
            if not nxt:
                break  # read() returned b"": the whole was checked
            yield held
            held = nxt
        self._check()
        if held:
            yield held

    def close(self) -> None:
        self._stream.close()

    def __enter__(self) -> HashingReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
