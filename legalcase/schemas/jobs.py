"""Background jobs: a batch of letters to start; a job as the API shows it."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from docgen.fields import DOCUMENTS
from legalcase.domain.aging import TIER_LABELS
from legalcase.domain.values import JOB_STATUSES

from .fields import Base, choice, day, text

BATCH_LETTERS = {k: DOCUMENTS[k]["title"] for k in ("reminder_30", "reminder_60")}
MAX_CASES = 100_000


class BatchSchema(Base):
    """``case_ids`` or ``tier`` (every open case of that aging tier), not both."""

    doc_type = choice("催款函", BATCH_LETTERS)
    case_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)),
        validate=validate.Length(min=1, max=MAX_CASES, error=f"1 到 {MAX_CASES} 个案件"),
        metadata={"label": "案件"},
    )
    tier = choice("账龄段", {t.value: label for t, label in TIER_LABELS.items()}, required=False)
    as_of = day("计算截止日", required=False)
    override_reason = text("材料不全时强制生成的理由（仅法务）", max_len=500)
    pdf = fields.Boolean(load_default=False, metadata={"label": "同时生成 PDF"})
    include_in_court = fields.Boolean(load_default=False, metadata={"label": "含已诉案件"})
    include_mediation = fields.Boolean(load_default=False, metadata={"label": "含诉前调解案件"})
    include_on_plan = fields.Boolean(
        load_default=False, metadata={"label": "含还款协议履行中的案件"}
    )

    @validates_schema
    def _one_of(self, data, **_kw):
        if bool(data.get("case_ids")) == bool(data.get("tier")):
            raise ValidationError("请给出 case_ids 或 tier（二选一）", "case_ids")


class JobOut(Base):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String(metadata={"choices": JOB_STATUSES})
    done = fields.Integer()
    total = fields.Integer()
    result = fields.Dict(allow_none=True)
    error = fields.String(allow_none=True)


class JobQueued(Base):
    job_id = fields.Integer()
