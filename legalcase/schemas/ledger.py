"""The collection ledger: contacts with the debtor side, and promises to pay."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import (
    ADDRESSEES,
    CHANNELS,
    LEGAL_EFFECTS,
    NON_PAYMENT_REASONS,
    OUTCOMES,
)
from legalcase.services.clock import today
from legalcase.services.promises import effective_status

from .fields import REQUIRED, Base, Moment, Money, choice, day, list_of, money, ref, text


class LedgerSchema(Base):
    contacted_at = Moment(
        required=True,
        error_messages=REQUIRED,
        metadata={"label": "联系时间", "widget": "datetime"},
    )
    channel = choice("方式", CHANNELS)
    contact_id = ref("联系人", required=False)
    person_reached = text("接洽人", max_len=100)
    summary = text("沟通摘要", required=True, max_len=5000, widget="textarea")
    outcome = choice("结果", OUTCOMES)
    non_payment_reason = choice("未付款原因", NON_PAYMENT_REASONS, required=False)
    legal_effect = choice("法律效果（时效）", LEGAL_EFFECTS, required=False, load_default=None)
    addressee = choice("催告对象", ADDRESSEES, required=False)
    arrival_date = day("送达日期（书面催告）", required=False)
    # The receivables a demand or signed statement names (RULES s.2); none: all of the case's.
    receivable_ids = fields.List(
        ref("应收款", required=True),
        allow_none=True,
        metadata={"label": "所涉应收款（催告/对账所列发票，不选即全部）", "widget": "multiselect"},
    )
    promise_amount = money("承诺还款金额", required=False)
    promise_due_date = day("承诺还款日期", required=False)
    # a task "跟进：…" for the case owner, due that day
    next_follow_up = day("下次跟进日期", required=False)


# ---- output ----------------------------------------------------------------------


def _status_today(promise) -> str:
    """Open, kept or broken as a person should see it today."""
    return effective_status(promise, today()).value


class PromiseOut(Base):
    id = fields.Integer()
    amount = Money()
    made_date = fields.Date()
    due_date = fields.Date()
    status = fields.Function(_status_today)


class LedgerEntryOut(LedgerSchema):
    """A ledger entry (the model), or a row of the case page's ledger with its promises."""

    class Meta(Base.Meta):
        exclude = ("promise_amount", "promise_due_date")

    id = fields.Integer()
    user = fields.String(attribute="username")
    promises = fields.List(fields.Nested(PromiseOut))

    def get_attribute(self, obj, attr, default):
        if attr == "username" and hasattr(obj, "user"):  # the model, not a read row
            return obj.user.username
        return super().get_attribute(obj, attr, default)


LedgerList = list_of(LedgerEntryOut, "LedgerList")
PromiseList = list_of(PromiseOut, "PromiseList")
