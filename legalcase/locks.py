"""Named locks shared by every server and worker of a deployment (issue 15 point 5).

With LEGALCASE_REDIS_URL set, a lock is a Redis lock (redis-py's ``Lock``: a key with a
token and an expiry, so a holder that dies frees it after ``expire`` seconds); without it
(the embedded default: one machine), an exclusive lock on a file in instance/. Writes to
one case are not locked here: the database does that (``services.uow.lock_case``).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "legalcase:lock:"


@contextmanager
def shared_lock(
    config: dict, name: str, expire: float = 600, wait: float | None = None
) -> Iterator[bool]:
    """Hold the lock ``name`` while the block runs; yields False (and runs the block without
    it) when ``wait`` seconds passed without getting it (None: wait as long as it takes)."""
    url = config.get("REDIS_URL")
    if url:
        import redis

        client = redis.Redis.from_url(url)
        lock = client.lock(PREFIX + name, timeout=expire, blocking=wait != 0, blocking_timeout=wait)
        got = lock.acquire()
        try:
            yield bool(got)
        finally:
            if got:
                lock.release()
            client.close()
        return
    path = Path(config["INSTANCE_PATH"]) / "locks" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        deadline = None if wait is None else time.monotonic() + wait
        got = False
        while True:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                got = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
        try:
            yield got
        finally:
            if got:
                fcntl.flock(f, fcntl.LOCK_UN)
