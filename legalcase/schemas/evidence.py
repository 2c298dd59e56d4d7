"""Evidence items: the upload form, the metadata edit form, and items with the checklist per
step in the API."""

from __future__ import annotations

from marshmallow import fields, post_load

from legalcase.domain.values import EVIDENCE_KINDS, ORIGINAL_OR_COPY

from .fields import Base, choice, day, list_of, text


class EvidenceMetaSchema(Base):
    """What may be changed after upload: the evidence list's columns, never the content."""

    title = text("证据名称", max_len=200)
    source = text("证据来源", max_len=200)
    purpose = text("证明目的", max_len=2000, widget="textarea")
    document_date = day("文件日期", required=False)
    original_or_copy = choice("原件/复印件", ORIGINAL_OR_COPY, required=False)
    transcript = text("录音文字整理", max_len=20000, widget="textarea")


class EvidenceSchema(EvidenceMetaSchema):
    kind = choice("证据类型", EVIDENCE_KINDS)
    # the earlier yes/no field, still taken: true is 原件, false 复印件
    is_original = fields.Boolean(
        load_default=None,
        allow_none=True,
        load_only=True,
        metadata={"label": "原件", "widget": "checkbox"},
    )

    @post_load
    def _original_or_copy(self, data: dict, **_kw) -> dict:
        flag = data.pop("is_original", None)
        if not data.get("original_or_copy") and flag is not None:
            data["original_or_copy"] = "original" if flag else "copy"
        return data


# ---- output ----------------------------------------------------------------------


class EvidenceOut(EvidenceSchema):
    id = fields.Integer()
    is_original = fields.Boolean()
    duration_seconds = fields.Float()
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
