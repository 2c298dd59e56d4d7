"""JSON API under /api/v1 with bearer-token auth; errors as {"error": {code, message, fields}}."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, g, jsonify, request
from marshmallow import Schema
from werkzeug.exceptions import HTTPException

from legalcase.db import DatabaseBusy, db
from legalcase.domain.errors import DomainError
from legalcase.models import Case
from legalcase.services.auth import find_token, note_token_use
from legalcase.services.common import get_or_404
from legalcase.services.scope import apply_scope

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, code: str, message: str, fields: dict | None = None):
    return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    db.uow.rollback()
    return error(exc.status, exc.code, exc.message, exc.fields)


@bp.errorhandler(DatabaseBusy)
def _busy(exc: DatabaseBusy):
    return error(503, "busy", str(exc))


@bp.errorhandler(413)
def _too_large(_exc):
    from legalcase.web.limits import too_large_message

    return error(413, "too_large", too_large_message())


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    messages = {404: "资源不存在", 405: "不支持该请求方法", 400: "请求格式错误"}
    return error(
        exc.code or 500, exc.name.lower().replace(" ", "_"), messages.get(exc.code, exc.description)
    )


@bp.get("/openapi.yaml")
def openapi():
    from importlib.resources import files

    spec = files("legalcase.api").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return spec, 200, {"Content-Type": "application/yaml; charset=utf-8"}


@bp.before_request
def _authenticate():
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return error(401, "unauthorized", "缺少访问令牌（Authorization: Bearer <token>）")
    token = find_token(db.session, header.removeprefix("Bearer ").strip())
    if token is None:
        return error(401, "unauthorized", "访问令牌无效、已过期或已撤销")
    note_token_use(db.session, token)
    g.api_user = token.user
    apply_scope(db.session, token.user)  # only the user's creditors from here on
    return None


def body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("bad_json", "请求体应为 JSON 对象")
    return data


def dumps(schema: type[Schema] | None = None, status: int = 200):
    """Render what the view returns as JSON: dumped with ``schema``, the output schema the
    OpenAPI document describes for the response; without one, the view returns the dict of a
    documented format of its own (the calculators')."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            result = fn(*args, **kwargs)
            return jsonify(schema().dump(result) if schema else result), status

        wrapper.dump_schema = schema
        wrapper.status = status
        return wrapper

    return decorate


def case_or_404(case_id: int) -> Case:
    return get_or_404(db.session, Case, case_id, "案件")


# Each module registers its routes on ``bp``.
from . import (  # noqa: E402,F401
    allocation,
    assets,
    calculators,
    calendar,
    cases,
    confirmations,
    court,
    deadlines,
    disputes,
    documents,
    errors,
    evidence,
    jobs,
    ledger,
    mediation,
    parties,
    plans,
    receivables,
    search,
    tasks,
    users,
    waivers,
    worklist,
)
