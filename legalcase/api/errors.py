"""The API's last-resort answers, all in the error format: a JSON 404 for any unknown path
under /api/v1 (and for path ids beyond the database integer range), a JSON 405 for a known
path asked with another method, and a JSON 500 that never shows a traceback."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from legalcase.db import db

from . import bp, error

# Ids are PostgreSQL ``integer`` columns: a larger path id names nothing.
MAX_ID = 2**31 - 1
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict | None) -> None:
    for value in (values or {}).values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFound()


@bp.route("/", methods=_METHODS, endpoint="unknown_root")
@bp.route("/<path:_rest>", methods=_METHODS)
def unknown(_rest: str = ""):
    """Matched only when no real route matches the path with this method."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in _METHODS:
        try:
            rule, _ = adapter.match(method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint not in ("api.unknown", "api.unknown_root"):
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()


@bp.errorhandler(404)  # by code: Flask prefers the app's 404 page over a class handler
def _not_found(_exc: NotFound):
    return error(404, "not_found", "资源不存在")


@bp.errorhandler(Exception)
def _server_error(exc: Exception):
    current_app.logger.exception("API error on %s %s", request.method, request.path)
    try:
        db.uow.rollback()
    except Exception:  # noqa: BLE001 - the answer must still be the error format
        current_app.logger.exception("rollback after API error failed")
    return error(500, "internal_error", "服务器内部错误，请稍后重试或联系管理员")


@bp.errorhandler(405)
def _method_not_allowed(exc: MethodNotAllowed):
    response, status = error(405, "method_not_allowed", "不支持该请求方法")
    response.headers["Allow"] = ", ".join(exc.valid_methods or ())
    return response, status


@bp.before_request
def _no_nul_in_query():
    """PostgreSQL refuses NUL in text: a query or form value carrying one is a 400."""
    from legalcase.schemas.fields import NO_NUL, NUL

    for source in (request.args, request.form):
        bad = sorted({str(k) for k, v in source.items(multi=True) if NUL in f"{k}{v}"})
        if bad:
            return error(400, "invalid_input", f"输入有误：{NO_NUL}", dict.fromkeys(bad, NO_NUL))
    return None
