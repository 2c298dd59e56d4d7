"""Generated documents: what to generate, when a letter went out, how one is shown."""

from __future__ import annotations

from marshmallow import fields, validate

from docgen.fields import DOCUMENTS as DOCUMENT_TYPES
from legalcase.domain.values import SEND_CHANNELS

from .fields import REQUIRED, Base, Moment, choice, day, list_of, text


class GenerateSchema(Base):
    doc_type = choice("文书", {k: v["title"] for k, v in DOCUMENT_TYPES.items()})
    as_of = day("计算截止日")
    pay_days = fields.Integer(
        load_default=15,
        validate=validate.Range(min=1, max=90, error="1 到 90 天"),
        metadata={"label": "付款期限（天）", "widget": "text"},
    )
    override_reason = text("材料不全时强制生成的理由（仅法务）", max_len=500)


class SentSchema(Base):
    sent_at = Moment(
        required=True, error_messages=REQUIRED, metadata={"label": "发出时间", "widget": "datetime"}
    )
    channel = choice("方式", SEND_CHANNELS)
    arrival_date = day("送达日期（签收日）", required=False)


# ---- output ----------------------------------------------------------------------


class DocumentOut(Base):
    id = fields.Integer()
    doc_type = choice("文书", {k: v["title"] for k, v in DOCUMENT_TYPES.items()})
    letter_number = fields.String()
    as_of = fields.Date()
    sha256 = fields.String()
    size = fields.Integer()
    template_version = fields.Integer()
    override_reason = fields.String()
    created_at = fields.DateTime()
    sent_at = fields.DateTime()


DocumentList = list_of(DocumentOut, "DocumentList")
