from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from minio import Minio
from minio.error import S3Error

from .base import MAX_LINK_SECONDS, ObjectInfo, StorageError
from .tempfiles import StrayFile


class MinioStorage:
    """An S3 bucket through the `minio` client, with versioning and object lock when available."""

    name = "minio"

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool = False,
        region: str = "us-east-1",
    ) -> None:
        self.client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region
        )
        self.bucket = bucket
        self.object_lock = False
        try:
            if not self.client.bucket_exists(bucket):
                try:
                    self.client.make_bucket(bucket, object_lock=True)  # also turns on versioning
                except S3Error:
                    self.client.make_bucket(bucket)
            self.object_lock = self._has_object_lock()
        except S3Error as exc:
            raise StorageError(f"S3 bucket {bucket}: {exc.code}: {exc.message}") from exc
        except OSError as exc:
            raise StorageError(f"S3 server {endpoint} unreachable: {exc}") from exc

    def _has_object_lock(self) -> bool:
        try:
            self.client.get_object_lock_config(self.bucket)
            return True
        except S3Error:
            return False

    def put_file(self, key: str, path: Path) -> ObjectInfo:
        existing = self.stat(key)
        if existing is not None:  # same key = same content
            return existing
        try:
            result = self.client.fput_object(
                self.bucket, key, str(path), part_size=16 * 1024 * 1024
            )
        except S3Error as exc:
            raise StorageError(f"could not store {key}: {exc.code}: {exc.message}") from exc
        return ObjectInfo(key, Path(path).stat().st_size, result.version_id)

    def open(self, key: str) -> BinaryIO:
        try:
            return _Body(self.client.get_object(self.bucket, key))
        except S3Error as exc:
            raise StorageError(f"object {key} is missing ({exc.code})") from exc

    def stat(self, key: str) -> ObjectInfo | None:
        try:
            st = self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
                return None
            raise StorageError(f"stat {key}: {exc.code}") from exc
        return ObjectInfo(key, st.size, st.version_id, st.last_modified)

    def list_keys(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """The current version of every object whose key starts with ``prefix``."""
        try:
            for obj in self.client.list_objects(self.bucket, prefix=prefix, recursive=True):
                if not obj.is_dir:
                    yield ObjectInfo(obj.object_name, obj.size, obj.version_id, obj.last_modified)
        except S3Error as exc:
            raise StorageError(f"listing {self.bucket}/{prefix}: {exc.code}") from exc

    def stray_parts(self, now: datetime | None = None) -> list[StrayFile]:
        """None here: an upload is one request; a broken multipart upload is the bucket's
        to expire (an S3 lifecycle rule), not a file of ours."""
        return []

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def discard(self, key: str) -> None:
        try:
            for v in self.client.list_objects(self.bucket, prefix=key, include_version=True):
                if v.object_name == key:
                    self.client.remove_object(self.bucket, key, version_id=v.version_id)
        except S3Error as exc:
            raise StorageError(f"could not remove {key}: {exc.code}") from exc

    def download_url(
        self, key: str, filename: str, expires_seconds: int = MAX_LINK_SECONDS
    ) -> str | None:
        disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
        return self.client.presigned_get_object(
            self.bucket,
            key,
            expires=timedelta(seconds=min(expires_seconds, MAX_LINK_SECONDS)),
            response_headers={"response-content-disposition": disposition},
        )

    def set_legal_hold(self, key: str, on: bool = True) -> bool:
        if not self.object_lock:
            return False
        try:
            if on:
                self.client.enable_object_legal_hold(self.bucket, key)
            else:
                self.client.disable_object_legal_hold(self.bucket, key)
        except S3Error as exc:
            raise StorageError(f"legal hold on {key}: {exc.code}") from exc
        return True

    def has_legal_hold(self, key: str) -> bool:
        return self.object_lock and self.client.is_object_legal_hold_enabled(self.bucket, key)


class _Body:
    """A file-like wrapper that releases the HTTP connection on close."""

    def __init__(self, response) -> None:
        self._r = response

    def read(self, size: int = -1) -> bytes:
        return self._r.read(None if size is None or size < 0 else size)

    def close(self) -> None:
        self._r.close()
        self._r.release_conn()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
