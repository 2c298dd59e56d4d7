"""Uploads are written to a temporary file and hashed as the request body streams in
(storage.hashing.HashingWriter), so a large file is neither held in memory nor copied a
second time. The file's name carries the worker's pid: if the worker dies mid-request,
``legalcase evidence verify`` reports the file and the next start removes it.

Only a signed-in request spools to disk (legalcase.web.limits sets ``signed_in`` and the
body limit before the body is read); the file parts of any other request stay in memory,
within its small limit. Every temporary file is removed when the request closes, also
when the body was cut off half way (413) and the parser never handed the file on."""

from __future__ import annotations

import io

from flask import Request, current_app

from storage.hashing import HashingWriter


class UploadRequest(Request):
    signed_in: bool = False  # set by legalcase.web.limits.apply_limit

    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        if not self.signed_in:
            return io.BytesIO()
        cfg = current_app.config
        limit = self.max_content_length or cfg["EVIDENCE_MAX_MB"] * 2**20
        writer = HashingWriter(cfg["UPLOAD_TMP"], max_bytes=limit)
        self.__dict__.setdefault("_spools", []).append(writer)
        return writer

    def close(self) -> None:
        try:
            super().close()
        finally:
            for writer in self.__dict__.get("_spools", ()):
                writer.close()
