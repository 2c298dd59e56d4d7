"""Errors that carry a code and a message fit for a user (zh-CN)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. ``fields`` maps an input field to its message."""

    status = 400

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = dict(fields or {})

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class ValidationFailed(DomainError):
    status = 400

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        summary = message or "输入有误：" + "；".join(f"{k}：{v}" for k, v in fields.items())
        super().__init__("invalid_input", summary, fields)


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str) -> None:
        super().__init__("not_found", f"{what}不存在")


class PermissionDenied(DomainError):
    status = 403

    def __init__(self, message: str = "您没有权限执行此操作") -> None:
        super().__init__("forbidden", message)


class Conflict(DomainError):
    status = 409
