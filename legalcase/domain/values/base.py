"""The one shape of a value list: a code stored in the database with its Chinese label."""

from __future__ import annotations

from enum import StrEnum


class Coded(StrEnum):
    """A code with its label: ``CALL = "call", "电话"``."""

    label: str

    def __new__(cls, code: str, label: str) -> Coded:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """``{code: label}`` in the order of definition."""
        return {m.value: m.label for m in cls}
