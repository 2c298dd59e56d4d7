"""Uploads are written to a temporary file and hashed as the request body streams in
(storage.hashing.HashingWriter), so a large file is neither held in memory nor copied a
second time. The file's name carries the worker's pid: if the worker dies mid-request,
``legalcase evidence verify`` reports the file and the next start removes it."""

from __future__ import annotations

from flask import Request, current_app

from storage.hashing import HashingWriter


class UploadRequest(Request):
    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        cfg = current_app.config
        return HashingWriter(cfg["UPLOAD_TMP"], max_bytes=cfg["EVIDENCE_MAX_MB"] * 2**20)
