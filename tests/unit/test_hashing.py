"""The one streaming SHA-256 (storage.hashing): what it hands on is exactly what was hashed,
and a changed object is never handed on whole."""

from __future__ import annotations

import hashlib
import io

import pytest

from storage.hashing import (
    HashingReader,
    HashingWriter,
    HashMismatch,
    TooLarge,
    hash_stream,
    spool,
)

DATA = bytes(range(256)) * 5000  # 1.28 MB: more than one chunk
SHA = hashlib.sha256(DATA).hexdigest()


def test_spool_hashes_what_it_writes(tmp_path):
    sp = spool(io.BytesIO(DATA), tmp_path)
    assert (sp.sha256, sp.size) == (SHA, len(DATA))
    assert sp.path.read_bytes() == DATA and sp.head == DATA[:8192]
    assert hash_stream(io.BytesIO(DATA)) == (SHA, len(DATA))


def test_spool_past_the_limit_leaves_nothing(tmp_path):
    with pytest.raises(TooLarge):
        spool(io.BytesIO(DATA), tmp_path, max_bytes=1000)
    assert list(tmp_path.iterdir()) == []


def test_a_writer_past_its_limit_stops_writing_to_disk(tmp_path):
    with HashingWriter(tmp_path, max_bytes=1000) as out:
        out.write(DATA)
        out.flush()
        assert out.path.stat().st_size == 0  # nothing of an oversized body reaches the disk
        with pytest.raises(TooLarge):
            out.spooled()
        out.seek(0)
        with pytest.raises(TooLarge):  # nor is a truncated file read back
            out.read()
    assert list(tmp_path.iterdir()) == []


def test_the_temp_file_names_its_process(tmp_path):
    import os

    with HashingWriter(tmp_path) as out:
        assert out.path.name.startswith(f"upload-{os.getpid()}-")


def test_an_unchanged_object_streams_whole():
    reader = HashingReader(io.BytesIO(DATA), SHA, len(DATA))
    assert b"".join(reader.chunks(64 * 1024)) == DATA and reader.checked


@pytest.mark.parametrize(
    "stored",
    [
        DATA[:-1] + b"X",  # same size, last byte changed
        b"Y" + DATA[1:],  # first byte changed
        DATA[:-10],  # truncated
        DATA + b"more",  # grown
    ],
)
def test_a_changed_object_never_streams_whole(stored):
    reader = HashingReader(io.BytesIO(stored), SHA, len(DATA), key="cases/1/x")
    got = []
    with pytest.raises(HashMismatch) as err:
        for chunk in reader.chunks(64 * 1024):
            got.append(chunk)
    assert err.value.key == "cases/1/x" and err.value.expected == SHA
    assert len(b"".join(got)) < len(DATA)  # the client is left short of Content-Length


def test_reading_to_the_end_checks():
    with pytest.raises(HashMismatch):
        HashingReader(io.BytesIO(b"changed"), SHA).read()
    assert HashingReader(io.BytesIO(DATA), SHA).read() == DATA
