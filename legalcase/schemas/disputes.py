"""Disputes and online statement links (issue 16 points 2-3): input and output."""

from __future__ import annotations

from marshmallow import fields, validate

from legalcase.domain.values import DISPUTE_REASONS, DisputeStatus

from .fields import Base, Money, choice, list_of, money, ref, text


class DisputeSchema(Base):
    receivable_id = ref("应收款")
    reason = choice("异议类型", DISPUTE_REASONS)
    amount = money("异议金额（不填即该应收款尚欠的全部）", required=False)
    description = text("异议内容", max_len=2000, widget="textarea")
    evidence_ids = fields.List(
        ref("证据", required=True),
        allow_none=True,
        metadata={"label": "相关证据", "widget": "multiselect"},
    )


RESOLUTIONS = {
    DisputeStatus.UPHELD.value: DisputeStatus.UPHELD.label,
    DisputeStatus.REJECTED.value: DisputeStatus.REJECTED.label,
}


class ResolveSchema(Base):
    outcome = choice("处理结果", RESOLUTIONS)
    credit_amount = money("调减金额（成立时；不填即全部异议金额）", required=False)
    note = text("处理说明", max_len=2000, widget="textarea")


class ConfirmationSchema(Base):
    contact_id = ref("联系人", required=False)
    expires_in_days = fields.Integer(
        load_default=14,
        validate=validate.Range(min=1, max=60, error="有效天数须在 1 到 60 天之间"),
        error_messages={"invalid": "请输入天数"},
        metadata={"label": "有效天数", "widget": "number"},
    )
    send_email = fields.Boolean(load_default=False, metadata={"label": "发送邮件"})


class DisputeOut(Base):
    id = fields.Integer()
    case_id = fields.Integer()
    receivable_id = fields.Integer()
    invoice_no = fields.Function(lambda d: d.receivable.invoice_no)
    reason = fields.String()
    amount = Money()
    description = fields.String(allow_none=True)
    status = fields.String()
    opened_at = fields.DateTime()
    opened_by_id = fields.Integer(allow_none=True)
    confirmation_id = fields.Integer(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolution_note = fields.String(allow_none=True)
    credit_amount = Money(allow_none=True)
    evidence_ids = fields.List(fields.Integer())


DisputeList = list_of(
    DisputeOut,
    "DisputeList",
    paused=fields.Boolean(),
    outstanding_amount=Money(),
)


class ConfirmationOut(Base):
    id = fields.Integer()
    url = fields.String()
    expires_at = fields.DateTime()
    emailed_to = fields.String(allow_none=True)
