"""Repayment plans, waivers and mediation (issue 17 points 1-3): input and output."""

from __future__ import annotations

from marshmallow import fields, validate

from legalcase.domain.values import (
    INSTALMENT_STATUSES,
    MEDIATION_OUTCOMES,
    PLAN_STATUSES,
    WAIVER_KINDS,
    WAIVER_STATUSES,
)

from .fields import REQUIRED, Base, Money, choice, day, list_of, money, text


def _days(label: str, default: int):
    return fields.Integer(
        load_default=default,
        validate=validate.Range(min=0, max=365, error="应为 0 到 365 之间的整数"),
        error_messages={**REQUIRED, "invalid": "请填写整数"},
        metadata={"label": label, "widget": "text"},
    )


class PlanInstalmentSchema(Base):
    due_date = day("还款日")
    principal = money("本金", allow_zero=True)
    interest = money("利息", required=False, allow_zero=True)


class PlanSchema(Base):
    agreed_date = day("还款协议签订日")
    grace_days = _days("宽限天数（逾期超过此天数未付，剩余款项全部到期）", 0)
    remind_days = _days("提前提醒天数", 3)
    instalments = fields.List(
        fields.Nested(PlanInstalmentSchema),
        required=True,
        validate=validate.Length(min=1, max=120, error="请填写 1 到 120 期"),
        error_messages=REQUIRED,
        metadata={
            "label": "分期（每行一期：还款日 本金 利息，如 2026-12-31 10000.00 300.00）",
            "widget": "textarea",
        },
    )
    note = text("备注", max_len=2000, widget="textarea")


class PlanInstalmentOut(Base):
    seq = fields.Integer()
    due_date = fields.String()
    principal = fields.String()
    interest = fields.String()
    amount = fields.String()
    paid = fields.String()
    paid_off_on = fields.String(allow_none=True)
    status = fields.String(metadata={"choices": INSTALMENT_STATUSES})
    status_label = fields.String()


class PlanOut(Base):
    id = fields.Integer()
    case_id = fields.Integer()
    agreed_date = fields.String()
    grace_days = fields.Integer()
    remind_days = fields.Integer()
    note = fields.String(allow_none=True)
    ledger_entry_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"choices": PLAN_STATUSES})
    status_label = fields.String()
    accelerated_due = fields.String(allow_none=True)
    balance = fields.String()
    cancelled_on = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    instalments = fields.List(fields.Nested(PlanInstalmentOut))


PlanList = list_of(PlanOut, "PlanList")


class WaiverSchema(Base):
    kind = choice("减免项目", WAIVER_KINDS)
    amount = money("减免金额")
    reason = text("减免理由", required=True, max_len=2000, widget="textarea")


class DecisionSchema(Base):
    decision = choice("审批结果", {"approve": "批准", "reject": "驳回"})
    note = text("审批意见", required=True, max_len=2000, widget="textarea")


class WaiverOut(Base):
    id = fields.Integer()
    case_id = fields.Integer()
    kind = fields.String()
    amount = Money()
    base_amount = Money()
    reason = fields.String()
    status = fields.String(metadata={"choices": WAIVER_STATUSES})
    proposed_by_id = fields.Integer()
    proposed_at = fields.DateTime()
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)


WaiverList = list_of(WaiverOut, "WaiverList")


NUMBER = {"invalid": "请填写数字（百分比）"}


class WaiverLimitsSchema(Base):
    """Shares in percent; blank: any amount."""

    collector = fields.Decimal(
        allow_none=True,
        error_messages=NUMBER,
        metadata={"label": "催收专员（占应收利息/费用的%，空白为不限）"},
    )
    legal = fields.Decimal(
        allow_none=True, error_messages=NUMBER, metadata={"label": "法务（%，空白为不限）"}
    )
    admin = fields.Decimal(
        allow_none=True, error_messages=NUMBER, metadata={"label": "管理员（%，空白为不限）"}
    )


class MediationSchema(Base):
    organisation = text("调解组织（法院诉前调解/人民调解委员会等）", required=True)
    mediator = text("调解员", max_len=100)
    started_date = day("申请/开始调解日")
    note = text("备注", max_len=2000, widget="textarea")


class MediationSessionSchema(Base):
    held_date = day("调解日期")
    summary = text("调解情况", required=True, max_len=2000, widget="textarea")


class MediationEndSchema(Base):
    outcome = choice(
        "调解结果",
        {k: v for k, v in MEDIATION_OUTCOMES.items() if k in ("agreed", "failed", "withdrawn")},
    )
    ended_date = day("结束日期")
    note = text("备注", max_len=2000, widget="textarea")


class PlanCancelSchema(Base):
    reason = text(
        "取消原因（如：重新协商、被新协议取代）", required=True, max_len=2000, widget="textarea"
    )


class MediationConfirmSchema(Base):
    court_name = text("法院", required=True)
    document_number = text("司法确认裁定书/调解书编号", max_len=100)
    effective_date = day("生效日")
    performance_due = day("履行期限最后一日（分期履行的，最后一期）")
    awarded_principal = money("确定的本金", required=False)
    awarded_interest = money("确定的利息", required=False, allow_zero=True)
    awarded_costs = money("确定由对方负担的费用", required=False, allow_zero=True)
