"""Temporary files left behind: by a process that died mid-request (kill -9, OOM), or kept
longer than any request takes.

A temporary file names its owner (``upload-<pid>-…``, ``bundle-<pid>-…``; a local object
being written is ``.<name>.<pid>.part``), so a file whose process is gone is a leftover at
once; any other temporary file is a leftover when nothing touched it for ``max_age``.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

MAX_AGE = timedelta(hours=1)
_OWNED = re.compile(r"^[a-z]+-(\d+)-")
_PART = re.compile(r"^\..+\.(\d+)\.part$")


@dataclass(frozen=True)
class StrayFile:
    path: Path
    reason: str  # "dead": its process is gone; "old": untouched for longer than max_age
    pid: int | None
    modified: datetime
    size: int


def owner_pid(name: str) -> int | None:
    """The process named in a temporary file's name, if it names one."""
    match = _OWNED.match(name) or _PART.match(name)
    return int(match.group(1)) if match else None


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _stat(path: Path) -> tuple[float, int]:
    """Latest modification time and total size (a directory: of everything in it)."""
    st = path.lstat()
    newest, size = st.st_mtime, st.st_size
    if path.is_dir() and not path.is_symlink():
        for p in path.rglob("*"):
            try:
                s = p.lstat()
            except FileNotFoundError:
                continue
            newest, size = max(newest, s.st_mtime), size + s.st_size
    return newest, size


def _judge(path: Path, now: datetime, max_age: timedelta) -> StrayFile | None:
    try:
        mtime, size = _stat(path)
    except FileNotFoundError:  # finished meanwhile
        return None
    modified = datetime.fromtimestamp(mtime, UTC)
    pid = owner_pid(path.name)
    if pid is not None and pid != os.getpid() and not pid_alive(pid):
        return StrayFile(path, "dead", pid, modified, size)
    if now - modified > max_age:
        return StrayFile(path, "old", pid, modified, size)
    return None


def stray_temp_files(
    directory: str | Path, now: datetime | None = None, max_age: timedelta = MAX_AGE
) -> list[StrayFile]:
    """The leftovers among the entries of a temporary directory (files and work dirs)."""
    root = Path(directory)
    if not root.is_dir():
        return []
    now = now or datetime.now(UTC)
    found = (_judge(p, now, max_age) for p in sorted(root.iterdir()))
    return [f for f in found if f is not None]


def stray_part_files(
    root: str | Path, now: datetime | None = None, max_age: timedelta = MAX_AGE
) -> list[StrayFile]:
    """Half-written ``.<name>.<pid>.part`` files anywhere under a local storage root."""
    now = now or datetime.now(UTC)
    found = (_judge(p, now, max_age) for p in sorted(Path(root).rglob(".*.part")))
    return [f for f in found if f is not None]


def remove(files: list[StrayFile]) -> list[StrayFile]:
    """Remove the files (and work dirs); returns those removed."""
    removed = []
    for f in files:
        try:
            if f.path.is_dir() and not f.path.is_symlink():
                shutil.rmtree(f.path)
            else:
                f.path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # left for the next run; verify keeps reporting it
        removed.append(f)
    return removed
