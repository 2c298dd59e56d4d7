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


def _put(backend, tmp_path, key: str, data: bytes) -> None:
    src = tmp_path / f"src-{key.replace('/', '-')}"  # local storage hard-links its source
    src.write_bytes(data)
    backend.put_file(key, src)


def test_list_keys_lists_every_object_under_a_prefix(backend, tmp_path):
    _put(backend, tmp_path, "cases/1/" + "a" * 64, b"one")
    _put(backend, tmp_path, "cases/1/bundles/" + "b" * 64, b"two two")
    _put(backend, tmp_path, "cases/12/" + "c" * 64, b"three")
    _put(backend, tmp_path, "templates/reminder_30/" + "d" * 64, b"four")
    listed = {o.key: o for o in backend.list_keys()}
    assert set(listed) == {
        "cases/1/" + "a" * 64,
        "cases/1/bundles/" + "b" * 64,
        "cases/12/" + "c" * 64,
        "templates/reminder_30/" + "d" * 64,
    }
    assert listed["cases/1/bundles/" + "b" * 64].size == 7
    assert all(o.modified is not None and o.modified.tzinfo for o in listed.values())
    assert {o.key for o in backend.list_keys("cases/1/")} == {
        "cases/1/" + "a" * 64,
        "cases/1/bundles/" + "b" * 64,
    }


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_half_written_local_files_are_not_objects_but_strays(tmp_path):
    import os

    store = LocalStorage(tmp_path / "objects")
    _put(store, tmp_path, "cases/1/" + "a" * 64, b"kept")
    folder = store.root / "cases" / "1"
    dead = folder / f".{'b' * 64}.{_dead_pid()}.part"
    dead.write_bytes(b"half")
    live = folder / f".{'c' * 64}.{os.getpid()}.part"
    live.write_bytes(b"being written")
    assert [o.key for o in store.list_keys()] == ["cases/1/" + "a" * 64]
    strays = store.stray_parts()
    assert [(s.path, s.reason) for s in strays] == [(dead, "dead")]


def test_temp_files_of_dead_processes_or_untouched_for_an_hour_are_strays(tmp_path):
    import os
    import time

    from storage.tempfiles import remove, stray_temp_files

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    dead_pid = _dead_pid()
    dead = tmp / f"upload-{dead_pid}-abc"
    dead.write_bytes(b"x" * 10)
    work = tmp / f"bundle-{dead_pid}-def"
    work.mkdir()
    (work / "1.bin").write_bytes(b"y")
    mine = tmp / f"upload-{os.getpid()}-ghi"
    mine.write_bytes(b"fresh")
    old = tmp / "import-0123456789abcdef0123456789abcdef"
    old.write_bytes(b"a,b\n")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    fresh = tmp / "tmp1234.docx"
    fresh.write_bytes(b"PK")
    strays = {s.path: s.reason for s in stray_temp_files(tmp)}
    assert strays == {dead: "dead", work: "dead", old: "old"}
    assert {s.path for s in remove(stray_temp_files(tmp))} == {dead, work, old}
    assert sorted(p.name for p in tmp.iterdir()) == sorted([mine.name, fresh.name])
