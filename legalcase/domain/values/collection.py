"""Collection work: channels, outcomes, legal effects of a contact, payments, allocation, search."""

from __future__ import annotations

from .base import Coded


class Channel(Coded):
    CALL = "call", "电话"
    SMS = "sms", "短信"
    EMAIL = "email", "邮件"
    LETTER = "letter", "信函"
    VISIT = "visit", "上门拜访"
    MEETING = "meeting", "会谈"
    ONLINE = "online", "在线"  # the debtor answered on the online statement link


class Outcome(Coded):
    REACHED = "reached", "已联系上"
    NO_ANSWER = "no_answer", "未接通/未回复"
    PROMISED = "promised", "承诺还款"
    DISPUTED = "disputed", "对欠款有异议"
    REFUSED = "refused", "拒绝付款"
    PAID = "paid", "已付款"


class NonPaymentReason(Coded):
    DISPUTE = "dispute", "有争议"
    CASH_FLOW = "cash_flow", "资金周转困难"
    HABIT = "habit", "习惯性拖欠"
    BUSINESS_TROUBLE = "business_trouble", "经营困难"
    BAD_FAITH = "bad_faith", "恶意逃债"


class LegalEffect(Coded):
    """What a ledger entry means for limitation."""

    NONE = "none", "无"
    DEMAND = "demand", "催告（主张权利，自送达之日起中断时效）"
    ACKNOWLEDGMENT = "acknowledgment", "债务人同意履行（对账确认、还款计划、请求延期等）"


class Addressee(Coded):
    DEBTOR = "debtor", "债务人"
    GUARANTOR = "guarantor", "保证人"


class PaymentMethod(Coded):
    BANK = "bank", "银行转账"
    CASH = "cash", "现金"
    BILL = "bill", "票据"
    OFFSET = "offset", "抵销"
    OTHER = "other", "其他"


class Allocation(Coded):
    """How a case's payments are applied (RULES.md section 6), a setting of the case."""

    BOOKED = "booked", "按入账冲抵（回款冲减所入账的应收款）"
    STATUTORY = "statutory", "法定顺序冲抵（费用→利息→本金，民法典第560、561条）"


CHANNELS = Channel.labels()
# Channels by which a demand reaches the debtor the moment it is made.
ORAL_CHANNELS = frozenset({Channel.CALL, Channel.VISIT, Channel.MEETING})
# How a generated letter went out.
SEND_CHANNELS = {
    Channel.LETTER.value: "邮寄/快递",
    Channel.EMAIL.value: "电子邮件",
    Channel.VISIT.value: "当面送达",
}
OUTCOMES = Outcome.labels()
NON_PAYMENT_REASONS = NonPaymentReason.labels()
LEGAL_EFFECTS = LegalEffect.labels()
LEGAL_EFFECT_SHORT = {
    LegalEffect.NONE.value: "",
    LegalEffect.DEMAND.value: "催告",
    LegalEffect.ACKNOWLEDGMENT.value: "债务人同意履行（中断时效）",
}
ADDRESSEES = Addressee.labels()
PAYMENT_METHODS = PaymentMethod.labels()
ALLOCATIONS = Allocation.labels()
SEARCH_KINDS = {
    "case": "案件",
    "party": "当事人",
    "contact": "联系人",
    "invoice": "发票",
    "contract": "合同",
}
# How a case's payment propensity is scored (legalcase.domain.propensity.LinearModel.kind).
MODEL_KINDS = {"logistic": "逻辑回归模型", "rules": "透明规则"}
