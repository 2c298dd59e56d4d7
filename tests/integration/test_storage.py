"""Both storage backends for real: the local filesystem, and an S3 server process on loopback
(moto's standalone server) through the `minio` client over HTTP."""

from __future__ import annotations

import hashlib
import urllib.request

import pytest

from storage import LocalStorage, StorageError


@pytest.fixture(params=["local", "minio"])
def backend(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "objects")
    return request.getfixturevalue("minio_storage")


def test_store_read_stat_and_discard(backend, tmp_path):
    data = b"%PDF-1.4 " + bytes(range(256)) * 4000
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    key = f"cases/1/{hashlib.sha256(data).hexdigest()}"
    info = backend.put_file(key, src)
    assert info.size == len(data)
    assert backend.stat(key).size == len(data)
    with backend.open(key) as fh:
        assert fh.read() == data
    assert backend.stat("cases/1/" + "0" * 64) is None
    with pytest.raises(StorageError):
        backend.open("cases/1/" + "0" * 64)
    backend.discard(key)
    assert not backend.exists(key)


def test_local_keys_cannot_escape_the_root(tmp_path):
    store = LocalStorage(tmp_path / "objects")
    for bad in ("../x", "/etc/passwd", "cases/../../x", "a\\b", "Cases/Upper"):
        with pytest.raises(StorageError):
            store.exists(bad)


def test_minio_versioning_presigned_download_and_legal_hold(minio_storage, tmp_path):
    src = tmp_path / "contract.pdf"
    src.write_bytes(b"%PDF-1.4 signed contract")
    key = "cases/7/" + hashlib.sha256(src.read_bytes()).hexdigest()
    info = minio_storage.put_file(key, src)
    assert info.version_id  # the bucket keeps versions
    assert minio_storage.object_lock
    url = minio_storage.download_url(key, "合同.pdf")
    with urllib.request.urlopen(url) as resp:
        assert resp.read() == src.read_bytes()
        assert "attachment" in resp.headers.get("Content-Disposition", "")
    assert minio_storage.set_legal_hold(key, True)
    assert minio_storage.has_legal_hold(key)
    with pytest.raises(StorageError):  # a held object cannot be deleted
        minio_storage.discard(key)
    assert minio_storage.exists(key)
