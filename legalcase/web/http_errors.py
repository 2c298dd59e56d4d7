"""Every HTTP error without a page of its own (405, 400, 500 ...) as the app's Chinese error
page, never werkzeug's English one; under /api/ as the API's JSON error."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from legalcase.domain.errors import DomainError

MESSAGES = {
    400: "请求格式错误或页面已失效，请返回后重试",
    401: "请先登录",
    403: "您没有权限执行此操作",
    405: "不支持此操作：该地址不接受这种请求方式，请从页面上的链接或按钮进入",
    406: "无法提供所请求的格式",
    409: "操作冲突，请刷新页面后重试",
    415: "不支持所提交的内容格式",
    429: "访问过于频繁，请稍后再试",
    500: "服务器内部错误，请稍后再试",
    503: "服务暂时不可用，请稍后再试",
}


def init_http_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = exc.code or 500
        if exc.response is not None or code < 400:
            return exc
        message = MESSAGES.get(code, "请求无法处理，请返回后重试")
        if request.path.startswith("/api/"):
            from legalcase.api import error

            return error(code, exc.name.lower().replace(" ", "_"), message)
        headers = {}
        if code == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        page = render_template("error.html", error=DomainError(f"http_{code}", message))
        return page, code, headers
