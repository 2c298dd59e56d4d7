"""Court events (filings, judgments and rulings, preservations, settlements) and the
deadlines the case's facts give."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.court_fields import KIND_FIELDS, kinds_of
from legalcase.domain.deadlines import FREEZE_YEARS
from legalcase.domain.values import ASSET_KINDS, COURT_EVENT_KINDS

from .fields import Base, choice, day, list_of, money, text

# The form shows how long a freeze of each kind of property lasts.
ASSET_CHOICES = {k: f"{label}（{FREEZE_YEARS[k]}年）" for k, label in ASSET_KINDS.items()}


class CourtEventSchema(Base):
    # The form shows a field only for the kinds it belongs to (static/js/kind_fields.js);
    # the service refuses a value in a field the kind has no use for.
    switch_field = "kind"
    shown_for = {f: kinds_of(f) for names in KIND_FIELDS.values() for f in names}

    kind = choice("事件", COURT_EVENT_KINDS)
    event_date = day("日期（起诉/终结/保全/和解/申请执行/终本裁定送达）", required=False)
    served_date = day("送达日（判决/裁定）", required=False)
    performance_due = day("履行期限最后一日", required=False)
    effective_date = day("生效日", required=False)
    is_foreign_party = fields.Boolean(
        load_default=False,
        metadata={"label": "我方为在中国境内无住所的当事人", "widget": "checkbox"},
    )
    is_pre_suit = fields.Boolean(
        load_default=False, metadata={"label": "诉前保全", "widget": "checkbox"}
    )
    asset_kind = choice("被保全财产", ASSET_CHOICES, required=False)
    expires_date = day("裁定载明的保全届满日", required=False)
    court_name = text("法院/仲裁机构")
    document_number = text("文书编号", max_len=100)
    # What a judgment, ruling or mediation document awarded (RULES s.6); blank if no money.
    awarded_principal = money("判决确定的本金（判决/裁定/调解书）", required=False)
    awarded_interest = money(
        "判决确定的一般债务利息（计至履行期限）", required=False, allow_zero=True
    )
    awarded_costs = money("判决确定由对方负担的诉讼费、保全费等", required=False, allow_zero=True)
    note = text("备注", max_len=2000, widget="textarea")


class HandledSchema(Base):
    note = text("处理说明", required=True, max_len=2000, widget="textarea")


# ---- output ----------------------------------------------------------------------


class CourtEventOut(CourtEventSchema):
    id = fields.Integer()
    awarded_total = money("判决金额合计", required=False)


class DeadlineOut(Base):
    id = fields.Integer()
    kind = fields.String()
    source = fields.String(attribute="source_key")
    date = fields.Date(attribute="due_date")
    unadjusted_date = fields.Date()
    provisional = fields.Boolean(attribute="is_provisional")
    status = fields.String()
    basis = fields.String()
    defence_waived = fields.Boolean(attribute="is_defence_waived")
    is_active = fields.Boolean()
    is_handled = fields.Boolean()
    handled_note = fields.String()


CourtEventList = list_of(CourtEventOut, "CourtEventList")
DeadlineList = list_of(DeadlineOut, "DeadlineList")
