"""Evidence items: the upload form, and items with the checklist per step in the API."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import EVIDENCE_KINDS

from .fields import Base, choice, day, list_of, text


class EvidenceSchema(Base):
    kind = choice("证据类型", EVIDENCE_KINDS)
    title = text("证据名称", max_len=200)
    source = text("证据来源", max_len=200)
    purpose = text("证明目的", max_len=2000, widget="textarea")
    document_date = day("文件日期", required=False)
    is_original = fields.Boolean(
        load_default=False, metadata={"label": "原件", "widget": "checkbox"}
    )


# ---- output ----------------------------------------------------------------------


class EvidenceOut(EvidenceSchema):
    id = fields.Integer()
    sha256 = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    page_count = fields.Integer()
    status = fields.String()
    status_reason = fields.String()
    email = fields.Dict(attribute="email_meta")
    uploaded_at = fields.DateTime()
    last_verified_at = fields.DateTime()
    last_verify_ok = fields.Boolean(attribute="is_last_verify_ok")


class ChecklistStepOut(Base):
    step = fields.String()
    label = fields.String()
    complete = fields.Boolean()
    missing = fields.List(fields.String())


EvidenceList = list_of(
    EvidenceOut, "EvidenceList", checklist=fields.List(fields.Nested(ChecklistStepOut))
)
