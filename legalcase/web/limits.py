"""Request size limits, set on each request before anything reads its body.

Ordinary forms and JSON: MAX_CONTENT_LENGTH (1 MB). A request without a session or API token:
ANONYMOUS_MAX_BYTES (64 KB, the login form), and its file parts are never written to disk.
The upload endpoints of ``UPLOAD_LIMITS_MB``: their file limit plus the form around the file.

A declared Content-Length over the limit is refused with 413 at once, before the body is read;
a chunked body is cut off with 413 as soon as it grows past the limit (Werkzeug's LimitedStream,
the server terminating the input), and the temporary file spooled so far is removed when the
request closes (legalcase.web.uploads).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from legalcase.domain.errors import DomainError
from legalcase.services.documents import TEMPLATE_MAX_BYTES

MB = 2**20
FORM_SLACK = 64 * 1024  # the multipart framing and the other fields of an upload form


def _evidence(config: Mapping) -> int:
    return int(config["EVIDENCE_MAX_MB"])


# Endpoint -> the largest file it takes, in MB (read from the settings at each request).
UPLOAD_LIMITS_MB: dict[str, Callable[[Mapping], int]] = {
    "evidence.upload": _evidence,
    "evidence.supersede": _evidence,
    "documents.sent": _evidence,  # proof of delivery
    "api.upload_evidence": _evidence,
    "documents.upload_template": lambda _config: TEMPLATE_MAX_BYTES // MB,
    "imports.upload": lambda config: int(config["IMPORT_MAX_MB"]),
    "settings_firm.upload_seal": lambda _config: 2,  # services.settings.SEAL_MAX_BYTES
    "settings_lpr.upload": lambda _config: 1,
}


def upload_limit_mb(endpoint: str | None, config: Mapping) -> int | None:
    """The file limit of an upload endpoint in MB; None for any other endpoint."""
    limit = UPLOAD_LIMITS_MB.get(endpoint or "")
    return None if limit is None else limit(config)


def body_limit(endpoint: str | None, config: Mapping, signed_in: bool) -> int:
    """The most bytes a request body to ``endpoint`` may have."""
    if not signed_in:
        return min(int(config["ANONYMOUS_MAX_BYTES"]), int(config["MAX_CONTENT_LENGTH"]))
    mb = upload_limit_mb(endpoint, config)
    return int(config["MAX_CONTENT_LENGTH"]) if mb is None else mb * MB + FORM_SLACK


def _signed_in() -> bool:
    """A session (web) or a valid bearer token (API: looked up here too, since the API's own
    before_request hooks may read the form before it authenticates)."""
    if (request.blueprint or "") == "api":
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        from legalcase.db import db
        from legalcase.services.auth import find_token

        return find_token(db.session, header.removeprefix("Bearer ").strip()) is not None
    return bool(current_user.is_authenticated)


def apply_limit() -> None:
    """before_request, registered before anything that reads the body (CSRF)."""
    signed_in = _signed_in()
    limit = body_limit(request.endpoint, current_app.config, signed_in)
    request.max_content_length = limit
    request.signed_in = signed_in  # UploadRequest spools file parts to disk only when True
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB and n % MB == 0 else f"{max(1, n // 1024)} KB"


def too_large_message() -> str:
    """The 413 message: the file limit of an upload endpoint, else the request limit."""
    mb = upload_limit_mb(request.endpoint, current_app.config)
    if mb is not None and getattr(request, "signed_in", False):
        return f"文件超过上限 {mb} MB，未保存"
    limit = request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]
    return f"请求内容超过上限 {_size(limit)}，未处理"


def init_limits(app: Flask) -> None:
    """Call before CSRFProtect and anything else that registers a before_request."""
    app.before_request(apply_limit)

    @app.errorhandler(413)
    def _too_large(_exc):
        error = DomainError("too_large", too_large_message())
        return render_template("error.html", error=error), 413
