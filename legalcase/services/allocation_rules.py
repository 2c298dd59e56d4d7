"""Allocation (分案) settings: the rules, the collectors' capacities, and their wording."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from legalcase.domain import allocation as rules_domain
from legalcase.domain.errors import NotFound, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.models import AllocationRule, CollectorCapacity, User

from .allocation import require_allocator
from .audit import set_actor

# ---- rules and capacities --------------------------------------------------------------


def _rule_values(session: Session, rule: AllocationRule, data: dict) -> None:
    low, high = data.get("min_amount"), data.get("max_amount")
    if low is not None and high is not None and low >= high:
        raise ValidationFailed({"max_amount": "应大于欠款下限"})
    members = list(
        session.scalars(select(User).where(User.id.in_(data["member_ids"])).order_by(User.id))
    )
    bad = sorted(set(data["member_ids"]) - {u.id for u in members if u.is_active})
    bad += [u.id for u in members if u.role == Role.VIEWER.value]
    if bad or not members:
        raise ValidationFailed({"member_ids": "请选择在职且可办案的催收员"})
    rule.name = data["name"]
    rule.priority = data.get("priority") if data.get("priority") is not None else 100
    rule.is_active = bool(data.get("is_active"))
    rule.creditor_id = data.get("creditor_id")
    rule.tiers = ",".join(data.get("tiers") or ()) or None
    rule.min_amount, rule.max_amount = low, high
    rule.regions = "、".join(rules_domain.region_names(data.get("regions"))) or None
    rule.members = members


def create_rule(session: Session, actor: User, data: dict) -> AllocationRule:
    require_allocator(actor)
    set_actor(session, actor.id)
    rule = AllocationRule()
    _rule_values(session, rule, data)
    session.add(rule)
    session.flush()
    return rule


def update_rule(session: Session, actor: User, rule_id: int, data: dict) -> AllocationRule:
    require_allocator(actor)
    set_actor(session, actor.id)
    rule = session.get(AllocationRule, rule_id)
    if rule is None:
        raise NotFound("分案规则")
    _rule_values(session, rule, data)
    session.flush()
    return rule


def list_rules(session: Session) -> list[AllocationRule]:
    return list(
        session.scalars(
            select(AllocationRule)
            .options(selectinload(AllocationRule.members))
            .order_by(AllocationRule.is_active.desc(), AllocationRule.priority, AllocationRule.id)
        )
    )


def capacities(session: Session) -> dict[int, int]:
    return dict(
        session.execute(select(CollectorCapacity.user_id, CollectorCapacity.max_open_cases)).all()
    )


def set_capacity(session: Session, actor: User, user_id: int, max_open: int | None) -> None:
    """The most open cases ``user_id`` may be given (None: no limit)."""
    require_allocator(actor)
    set_actor(session, actor.id)
    if session.get(User, user_id) is None:
        raise ValidationFailed({"user_id": "用户不存在"})
    row = session.get(CollectorCapacity, user_id, with_for_update=True)
    if max_open is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(CollectorCapacity(user_id=user_id, max_open_cases=max_open))
    else:
        row.max_open_cases = max_open
    session.flush()


def rule_summary(rule: AllocationRule) -> str:
    """The rule's conditions in words, for the rules screen."""
    from legalcase.domain.aging import TIER_LABELS, Tier
    from legalcase.domain.money import format_money

    parts = []
    if rule.creditor is not None:
        parts.append(f"债权主体：{rule.creditor.name}")
    tiers = rules_domain.tier_codes(rule.tiers)
    if tiers:
        parts.append("账龄：" + "、".join(TIER_LABELS[t] for t in Tier if t.value in tiers))
    if rule.min_amount is not None or rule.max_amount is not None:
        low = format_money(rule.min_amount or Decimal("0"))
        high = format_money(rule.max_amount) if rule.max_amount is not None else "不限"
        parts.append(f"欠款：{low} 至 {high}（不含）")
    if rule.regions:
        parts.append(f"地区：{rule.regions}")
    return "；".join(parts) or "全部待分配案件"
