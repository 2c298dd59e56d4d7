"""Object storage for evidence: one interface, a local-filesystem backend and an S3 (MinIO) one.

Knows nothing of Flask or the database. Keys are chosen by the caller (content-derived);
objects are never overwritten or deleted through this interface, except an object that
was just stored for a write that failed, or an orphan no row knows (``discard``).
Every SHA-256 of stored bytes is computed by ``storage.hashing``.
"""

import tempfile
from pathlib import Path

from .base import ObjectInfo, Storage, StorageError
from .hashing import HashingReader, HashMismatch, hash_stream
from .local import LocalStorage

hash_file = hash_stream  # the older name, kept for existing callers

__all__ = [
    "HashMismatch",
    "HashingReader",
    "LocalStorage",
    "ObjectInfo",
    "Storage",
    "StorageError",
    "hash_file",
    "hash_stream",
    "make_storage",
    "put_bytes_by_hash",
]


def put_bytes_by_hash(
    storage: Storage, prefix: str, data: bytes, tmp_dir: str | Path, suffix: str = ""
) -> tuple[str, str]:
    """Keep ``data`` as ``{prefix}/{sha256}`` (the same bytes twice are one object), written
    through a temporary file in ``tmp_dir``; returns (sha256, key)."""
    Path(tmp_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=suffix, delete=False) as fh:
        fh.write(data)
        path = Path(fh.name)
    try:
        with open(path, "rb") as src:
            sha, _ = hash_file(src)
        key = f"{prefix}/{sha}"
        storage.put_file(key, path)
    finally:
        path.unlink(missing_ok=True)
    return sha, key


def make_storage(settings: dict) -> Storage:
    """The backend named by ``STORAGE_BACKEND`` ("local", default, or "minio")."""
    if settings.get("STORAGE_BACKEND", "local") == "minio":
        from .s3 import MinioStorage

        return MinioStorage(
            endpoint=settings["MINIO_ENDPOINT"],
            access_key=settings["MINIO_ACCESS_KEY"],
            secret_key=settings["MINIO_SECRET_KEY"],
            bucket=settings.get("MINIO_BUCKET", "legalcase-evidence"),
            secure=bool(settings.get("MINIO_SECURE", False)),
            region=settings.get("MINIO_REGION", "us-east-1"),
        )
    return LocalStorage(settings["STORAGE_PATH"])
