"""Waivers (减免): what may be waived, and who may waive how much without approval. Pure.

Penalty interest, late fees and costs may be waived or reduced; principal never. Each role
may waive up to a share of what is owed of that kind on the case (all its waivers of the
kind counted together, so a waiver cannot be split to pass the limit); above it the waiver
waits for the approval of another user whose own limit covers it. The defaults (settable on
the settings screen, stored in ``waiver_limits``):

- collector (催收专员): 30% of the interest or costs owed;
- legal (法务): 60%;
- admin (管理员): any amount;
- viewer (只读): nothing.
"""

from __future__ import annotations

from decimal import Decimal

from .errors import DomainError, PermissionDenied, ValidationFailed
from .money import ZERO
from .roles import Role
from .values import WaiverKind

DEFAULT_LIMITS: dict[str, Decimal | None] = {
    Role.COLLECTOR.value: Decimal("0.30"),
    Role.LEGAL.value: Decimal("0.60"),
    Role.ADMIN.value: None,  # any amount
    Role.VIEWER.value: ZERO,
}
# Both lower the interest of the claim (the contract's late-payment interest or fee).
INTEREST_KINDS = frozenset({WaiverKind.PENALTY_INTEREST, WaiverKind.LATE_FEE})

PRINCIPAL_REFUSED = "本金不得减免：只能减免罚息/逾期利息、违约金或费用"
SELF_APPROVAL = "超出本人权限的减免不能由提出人自己批准，请由其他有权限的用户审批"


def refuse_principal(kind: str) -> None:
    if kind == WaiverKind.PRINCIPAL:
        raise DomainError("principal_not_waivable", PRINCIPAL_REFUSED, {"kind": PRINCIPAL_REFUSED})


def check_amount(kind: str, amount: Decimal, owed: Decimal, already: Decimal) -> None:
    """``amount`` must be positive and, with what is ``already`` waived of the kind, no more
    than what is ``owed`` of it (before waivers)."""
    refuse_principal(kind)
    if amount <= ZERO:
        raise ValidationFailed({"amount": "减免金额须大于 0"})
    if already + amount > owed:
        left = max(owed - already, ZERO)
        raise ValidationFailed(
            {"amount": f"减免金额超过可减免的数额：{WaiverKind(kind).label}尚可减免 {left:,.2f}"}
        )


def within_limit(share: Decimal | None, amount: Decimal, owed: Decimal, already: Decimal) -> bool:
    """Whether a role with the limit ``share`` (None: any) may waive ``amount`` alone."""
    if share is None:
        return True
    return already + amount <= (owed * share).quantize(Decimal("0.01"))


def check_approver(
    approver_id: int, approver_share: Decimal | None, proposer_id: int, fits: bool
) -> None:
    """The approver of an over-limit waiver: not its proposer, and one whose own limit
    covers it."""
    if approver_id == proposer_id:
        raise DomainError("self_approval", SELF_APPROVAL, {"decision": SELF_APPROVAL})
    if not fits:
        raise PermissionDenied("该减免超出您的审批权限，请由权限更高的用户审批")


def share_label(share: Decimal | None) -> str:
    if share is None:
        return "不限"
    return f"{(share * 100).normalize():f}%"
