"""Who may change what."""

from __future__ import annotations

from enum import StrEnum

from .errors import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"
    LEGAL = "legal"
    COLLECTOR = "collector"
    VIEWER = "viewer"


ROLE_LABELS = {
    Role.ADMIN: "管理员",
    Role.LEGAL: "法务",
    Role.COLLECTOR: "催收专员",
    Role.VIEWER: "只读",
}


def can_change_case(role: Role, user_id: int, owner_id: int | None) -> bool:
    if role in (Role.ADMIN, Role.LEGAL):
        return True
    if role == Role.COLLECTOR:
        return owner_id == user_id
    return False


def require_case_change(role: Role, user_id: int, owner_id: int | None) -> None:
    if not can_change_case(role, user_id, owner_id):
        if role == Role.VIEWER:
            raise PermissionDenied("只读用户不能修改任何内容")
        raise PermissionDenied("催收专员只能修改自己负责的案件")


def require_writer(role: Role) -> None:
    """Shared records (parties, contracts): anyone but a viewer."""
    if role == Role.VIEWER:
        raise PermissionDenied("只读用户不能修改任何内容")


def require_admin(role: Role) -> None:
    if role != Role.ADMIN:
        raise PermissionDenied("只有管理员可以执行此操作")


UPHOLD_REFUSED = (
    "只有法务或管理员可以认定异议成立并调减应收款（冲减本金）；"
    "催收专员可以认定异议不成立（恢复催收），或请法务处理"
)


def can_uphold_dispute(role: Role | str) -> bool:
    """Upholding a dispute credits the receivable (the principal comes down): like a waiver,
    it is for the legal staff or an admin, never a collector alone."""
    return role in (Role.ADMIN, Role.LEGAL)


def require_dispute_uphold(role: Role | str) -> None:
    if not can_uphold_dispute(role):
        raise PermissionDenied(UPHOLD_REFUSED)
