"""Allocation (分案): bulk assignment, rules and capacities; and the API's view of the log."""

from __future__ import annotations

from marshmallow import fields, validate

from legalcase.domain.aging import TIER_LABELS
from legalcase.domain.allocation import MAX_BULK, METHOD_LABELS

from .fields import MAX_INT, REQUIRED, Base, Moment, list_of, money, ref, text

TIER_CHOICES = {t.value: label for t, label in TIER_LABELS.items()}


class AssignSchema(Base):
    case_ids = fields.List(
        ref("案件"),
        required=True,
        validate=validate.Length(min=1, max=MAX_BULK, error=f"请选择 1 到 {MAX_BULK} 件案件"),
        error_messages=REQUIRED,
        metadata={"label": "案件", "widget": "multiselect"},
    )
    assignee_id = ref("分配给")


class AllocationRuleSchema(Base):
    name = text("规则名称", required=True, max_len=100)
    priority = fields.Integer(
        load_default=100,
        allow_none=True,
        validate=validate.Range(min=0, max=9999, error="应为 0 到 9999 之间的整数"),
        error_messages={"invalid": "应为整数"},
        metadata={"label": "优先级（数字小者先试）", "widget": "text"},
    )
    creditor_id = ref("债权主体（不选即全部）", required=False)
    tiers = fields.List(
        fields.String(validate=validate.OneOf(list(TIER_CHOICES), error="请选择列表中的一项")),
        allow_none=True,
        metadata={"label": "账龄（不选即全部）", "widget": "multiselect", "choices": TIER_CHOICES},
    )
    min_amount = money("欠款不低于", required=False, allow_zero=True)
    max_amount = money("欠款低于", required=False)
    regions = text("地区（省、市名，用顿号分隔，如 浙江、上海）", max_len=300)
    member_ids = fields.List(
        ref("催收员"),
        required=True,
        validate=validate.Length(min=1, error="请至少选择一名催收员"),
        error_messages=REQUIRED,
        metadata={"label": "分给（催收员或团队成员）", "widget": "multiselect"},
    )
    is_active = fields.Boolean(load_default=False, metadata={"label": "启用", "widget": "checkbox"})


class CapacitySchema(Base):
    user_id = ref("催收员")
    max_open_cases = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_INT, error="应为不小于 0 的整数"),
        error_messages={"invalid": "应为整数"},
        metadata={"label": "在办案件上限（留空即不限）", "widget": "text"},
    )


# ---- output ----------------------------------------------------------------------


class AllocationLogOut(Base):
    id = fields.Integer()
    case_id = fields.Integer()
    from_user_id = fields.Integer(allow_none=True)
    to_user_id = fields.Integer()
    by_user_id = fields.Integer(allow_none=True)
    operator = fields.String(allow_none=True)
    method = fields.String(metadata={"choices": METHOD_LABELS})
    rule_id = fields.Integer(allow_none=True)
    rule_name = fields.String(allow_none=True)
    at = Moment()


AllocationLogList = list_of(AllocationLogOut, "AllocationLogList")
