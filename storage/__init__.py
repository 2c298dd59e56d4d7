"""Object storage for evidence: one interface, a local-filesystem backend and an S3 (MinIO) one.

Knows nothing of Flask or the database. Keys are chosen by the caller (content-derived);
objects are never overwritten or deleted through this interface, except an object that
was just stored for a write that failed, or an orphan no row knows (``discard``).
Every SHA-256 of stored bytes is computed by ``storage.hashing``.
"""

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
]


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
