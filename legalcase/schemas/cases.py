"""Cases: opening and editing, stage moves, and how a case, its stage history and its audit
log are shown in the API."""

from __future__ import annotations

from marshmallow import fields, validate

from legalcase.domain.values import ALLOCATIONS, FORUM_KINDS, RISK, STAGES, Allocation

from .fields import Base, Money, choice, currency, list_of, money, ref, text


class CaseSchema(Base):
    title = text("案件名称", required=True)
    creditor_id = ref("债权主体")
    debtor_id = ref("债务人")
    owner_id = ref("负责人", required=False)
    risk_level = choice("风险等级", RISK)
    currency = currency()
    claim_amount = money("诉请金额", required=False)
    forum_kind = choice("争议解决机构类型", FORUM_KINDS, required=False)
    forum_name = text("法院/仲裁机构")
    # the court a filing is addressed to (DOCUMENTS.md v2): suggested, the user decides
    court = text("受理法院", widget="datalist")
    case_number = text("案号", max_len=100)
    note = text("备注", max_len=2000, widget="textarea")
    # how payments are applied (RULES.md s.6); the case's figures follow it
    allocation = fields.String(
        load_default=Allocation.BOOKED.value,
        validate=validate.OneOf(list(ALLOCATIONS), error="请选择列表中的一项"),
        metadata={"label": "回款冲抵方式", "widget": "select", "choices": ALLOCATIONS},
    )


class StageMoveSchema(Base):
    stage = choice("目标阶段", STAGES)
    reason = text("原因", required=True, max_len=2000, widget="textarea")


# ---- output ----------------------------------------------------------------------


class CaseOut(CaseSchema):
    id = fields.Integer()
    stage = choice("阶段", STAGES)
    principal_amount = Money()
    paid_amount = Money()
    outstanding_amount = Money()
    next_deadline_date = fields.Date()
    oldest_unpaid_due_date = fields.Date()


class StageChangeOut(Base):
    id = fields.Integer()
    from_stage = fields.String()
    to_stage = fields.String()
    user = fields.String(attribute="user.username")
    reason = fields.String()
    changed_at = fields.DateTime()


class AuditOut(Base):
    at = fields.DateTime()
    user = fields.String(attribute="user.username", dump_default=None)
    entity = fields.String()
    entity_id = fields.Integer()
    action = fields.String()
    before = fields.Dict()
    after = fields.Dict()


CaseList = list_of(
    CaseOut, "CaseList", total=fields.Integer(), page=fields.Integer(), per_page=fields.Integer()
)
StageChangeList = list_of(StageChangeOut, "StageChangeList")
AuditList = list_of(AuditOut, "AuditList")
