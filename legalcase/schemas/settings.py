"""Settings screens: the law firm's profile."""

from __future__ import annotations

from .fields import Base, text


class FirmSchema(Base):
    name = text("律所名称", max_len=200)
    address = text("地址", max_len=300)
    phone = text("电话", max_len=64)
    code = text("律函字号（如 明诚律函）", max_len=32)
    lawyers = text("承办律师（以顿号分隔）", max_len=200)
