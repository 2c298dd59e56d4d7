"""The asset register's forms (issue 17 point 5)."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import ASSET_LEAD_KINDS, ENFORCEMENT_OUTCOME_KINDS

from .fields import Base, choice, day, money, ref, text


class AssetSchema(Base):
    party_id = ref("所属当事人")
    kind = choice("财产类型", ASSET_LEAD_KINDS)
    description = text("财产/线索描述", required=True, max_len=300)
    identifier = text("账号/权证号/车牌/登记号", max_len=120)
    location = text("所在地/存放地点", max_len=300)
    estimated_value = money("估值", required=False)
    source = text("线索来源", required=True, max_len=200)
    found_date = day("发现日期")
    note = text("备注", max_len=2000, widget="textarea")


class FreezeSchema(Base):
    court_name = text("保全法院", required=True)
    document_number = text("保全裁定书文号", required=True, max_len=100)
    event_date = day("冻结/查封日期")
    expires_date = day("裁定载明的保全届满日（不填按法定期限）", required=False)
    frozen_amount = money("冻结金额", required=False)
    # Left out (API): from the case's stage (before suit or arbitration: pre-suit).
    is_pre_suit = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={
            "label": "诉前保全",
            "widget": "checkbox",
            "help": "勾选（诉前保全）：须自采取保全措施之日起 30 日内起诉或申请仲裁，"
            "系统将生成“诉前保全后起诉期限”；不勾选（诉中保全）：不生成该期限。",
        },
    )


class OutcomeSchema(Base):
    party_id = ref("被执行人")
    kind = choice("执行结果", ENFORCEMENT_OUTCOME_KINDS)
    outcome_date = day("日期（到款日/裁定送达日/决定日）")
    amount = money("执行到款金额", required=False)
    asset_id = ref("来源财产", required=False)
    end_date = day("解除日期（失信/限高）", required=False)
    court_name = text("执行法院")
    document_number = text("文书编号", max_len=100)
    note = text("备注", max_len=2000, widget="textarea")


# ---- output ----------------------------------------------------------------------


class DeadlineBriefOut(Base):
    kind = fields.String()
    due_date = fields.Date(allow_none=True)
    status = fields.String()


class FreezeOut(FreezeSchema):
    id = fields.Integer()
    court_event_id = fields.Integer()
    deadlines = fields.List(fields.Nested(DeadlineBriefOut))


class AssetOut(AssetSchema):
    id = fields.Integer()
    freezes = fields.List(fields.Nested(FreezeOut))


class OutcomeOut(OutcomeSchema):
    id = fields.Integer()
    payment_id = fields.Integer(allow_none=True)
    court_event_id = fields.Integer(allow_none=True)


class PartyRegisterOut(Base):
    party_id = fields.Integer()
    name = fields.String()
    role = fields.String()
    assets = fields.List(fields.Nested(AssetOut))
    outcomes = fields.List(fields.Nested(OutcomeOut))


class RegisterOut(Base):
    items = fields.List(fields.Nested(PartyRegisterOut))
