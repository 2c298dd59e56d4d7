"""Import uploads live in object storage (issue 15 point 5): uploaded on one server, read by
another server or a worker; no temporary file stays behind, whatever happened."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from legalcase.domain.errors import DomainError, NotFound
from legalcase.services.importer import uploads
from storage import LocalStorage

LEDGER = "客户名称,发票号,金额,到期日\n苏州恒达机电设备有限公司,FP-001,1000.00,2026-01-31\n"


@pytest.fixture(params=["local", "minio"])
def shared(request, tmp_path):
    """The deployment's storage, shared by the servers (a directory or an S3 bucket)."""
    if request.param == "local":
        return LocalStorage(tmp_path / "objects")
    return request.getfixturevalue("minio_storage")


def test_an_upload_on_one_server_is_read_by_another(shared, tmp_path):
    tmp_a, tmp_b = tmp_path / "server-a", tmp_path / "server-b"
    token, headers, rows = uploads.stage(shared, io.BytesIO(LEDGER.encode()), tmp_a)
    assert headers == ["客户名称", "发票号", "金额", "到期日"] and len(rows) == 1
    assert list(tmp_a.iterdir()) == []  # nothing of it stays on server A
    headers_b, rows_b = uploads.read(shared, token, tmp_b)  # the dry run, on server B
    assert (headers_b, rows_b) == (headers, rows)
    assert list(tmp_b.iterdir()) == []
    with uploads.local_copy(shared, token, tmp_path / "worker") as path:  # the import job
        assert path.read_text(encoding="utf-8") == LEDGER
    assert list((tmp_path / "worker").iterdir()) == []
    uploads.discard(shared, token)
    with pytest.raises(NotFound) as gone:
        uploads.read(shared, token, tmp_b)
    assert "请重新上传" in gone.value.message


class _Broken(io.RawIOBase):
    """A client whose connection drops after the first megabyte."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.sent >= 1024 * 1024:
            raise OSError("client disconnected")
        n = len(b)
        b[:n] = b"x" * n
        self.sent += n
        return n


def test_a_failed_or_unreadable_upload_leaves_no_file(tmp_path):
    store = LocalStorage(tmp_path / "objects")
    with pytest.raises(OSError):
        uploads.stage(store, _Broken(), tmp_path / "tmp")
    with pytest.raises(DomainError, match="既不是 Excel"):
        uploads.stage(store, io.BytesIO(b"\xff\xfe\x00\x81" * 100), tmp_path / "tmp")
    assert list((tmp_path / "tmp").iterdir()) == []
    assert list(store.list_keys(uploads.PREFIX)) == []


def test_an_upload_expires_after_an_hour(tmp_path):
    store = LocalStorage(tmp_path / "objects")
    token, _, _ = uploads.stage(store, io.BytesIO(LEDGER.encode()), tmp_path / "tmp")
    later = datetime.now(UTC) + timedelta(seconds=uploads.TOKEN_SECONDS + 60)
    assert uploads.sweep(store, now=datetime.now(UTC)) == 0
    with pytest.raises(NotFound) as gone:
        with uploads.local_copy(store, token, tmp_path / "tmp", now=later):
            pass
    assert "已过期" in gone.value.message
    assert not store.exists(uploads.key_of(token))
    with pytest.raises(NotFound):
        uploads.key_of("../../etc/passwd")
