"""Unified social credit codes (统一社会信用代码) and resident ID numbers, with check digits."""

from __future__ import annotations

from datetime import date

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when ``code`` is a well-formed USCC, else what is wrong (zh-CN)."""
    if len(code) != 18:
        return "统一社会信用代码应为 18 位"
    if any(c not in USCC_CHARS for c in code):
        return "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）"
    if uscc_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确"
    return None


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def resident_id_problem(code: str) -> str | None:
    """None when ``code`` is a well-formed 18-digit resident ID number, else what is wrong."""
    if len(code) != 18 or not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        return "身份证号应为 18 位（最后一位可为 X）"
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return "身份证号中的出生日期不存在"
    if id_check_char(code[:17]) != code[17]:
        return "身份证号校验位不正确"
    return None


def id_code_problem(kind: str, code: str) -> str | None:
    return uscc_problem(code) if kind == "company" else resident_id_problem(code)
