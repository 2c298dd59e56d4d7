"""Contracts, receivables (optionally by instalments) and payments with their allocations."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import (
    CONTRACT_KINDS,
    DISPUTE,
    GUARANTEE_TYPES,
    JURISDICTIONS,
    LATE_FEE_TYPES,
    PAYMENT_METHODS,
)

from .fields import Base, Money, Rate, choice, currency, day, list_of, money, ref, text

# a guarantee is joint or general; "none" is the contract having no guarantee row at all
GUARANTEE_KINDS = {k: v for k, v in GUARANTEE_TYPES.items() if k != "none"}


class GuaranteeSchema(Base):
    party_id = ref("保证人")
    guarantee_type = choice("保证方式", GUARANTEE_KINDS)
    period_end = day("约定保证期间届满日", required=False)


class ContractSchema(Base):
    number = text("合同编号", required=True, max_len=100)
    kind = choice("合同类型", CONTRACT_KINDS)
    signed_date = day("签订日期")
    start_date = day("履行开始日", required=False)
    end_date = day("履行届满日", required=False)
    amount = money("合同金额")
    currency = currency()
    payment_terms = text("付款条件", max_len=2000, widget="textarea")
    late_fee_type = choice("逾期付款责任", LATE_FEE_TYPES)
    late_fee_rate = Rate(allow_none=True, metadata={"label": "约定利率（%）", "widget": "text"})
    late_fee_amount = money("违约金金额", required=False)
    governing_law = choice("适用法律", JURISDICTIONS)
    dispute_resolution = choice("争议解决方式", DISPUTE)
    dispute_venue = text("管辖法院/仲裁机构")
    # each guarantor with its type and period; on an update, absent: unchanged, []: none
    guarantees = fields.List(
        fields.Nested(GuaranteeSchema),
        load_default=None,
        allow_none=True,
        metadata={"label": "保证人", "widget": "guarantees"},
    )


class InstalmentSchema(Base):
    due_date = day("分期到期日")
    amount = money("分期金额")


class ReceivableSchema(Base):
    invoice_no = text("发票号", required=True, max_len=64)
    contract_id = ref("所属合同", required=False)
    amount = money("应收金额")
    currency = currency()
    issue_date = day("开票日期")
    due_date = day("到期日")
    note = text("备注", max_len=2000, widget="textarea")
    instalments = fields.List(
        fields.Nested(InstalmentSchema),
        load_default=None,
        allow_none=True,
        metadata={"label": "分期计划", "widget": "instalments"},
    )


class PaymentSchema(Base):
    paid_date = day("回款日期")
    amount = money("回款金额")
    currency = currency()
    receivable_id = ref("冲抵应收款（不选则按到期先后）", required=False)
    method = choice("方式", PAYMENT_METHODS, required=False)
    reference = text("流水号/凭证号", max_len=100)
    note = text("备注", max_len=2000, widget="textarea")


# ---- output ----------------------------------------------------------------------


class GuaranteeOut(GuaranteeSchema):
    id = fields.Integer()
    party_name = fields.Function(lambda g: g.party.name)


class ContractOut(ContractSchema):
    id = fields.Integer()
    guarantees = fields.List(fields.Nested(GuaranteeOut))


class InstalmentOut(Base):
    seq = fields.Integer()
    due_date = fields.Date()
    amount = Money()


class ReceivableOut(ReceivableSchema):
    id = fields.Integer()
    instalments = fields.List(fields.Nested(InstalmentOut))
    paid_amount = Money()
    # of paid_amount: what an import recorded as paid without a date (no legal effect)
    paid_before_import = Money()
    outstanding = Money()


class AllocationOut(Base):
    receivable_id = fields.Integer()
    amount = Money()


class PaymentOut(PaymentSchema):
    id = fields.Integer()
    allocations = fields.List(fields.Nested(AllocationOut))


ContractList = list_of(ContractOut, "ContractList")
ReceivableList = list_of(ReceivableOut, "ReceivableList")
PaymentList = list_of(PaymentOut, "PaymentList")
