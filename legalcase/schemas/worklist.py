"""The worklist's answer: a collector's cases ranked by expected recovery, with reasons."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import MODEL_KINDS

from .fields import Base, choice


class ReasonOut(Base):
    feature = fields.String()
    label = fields.String()
    value = fields.Float()
    contribution = fields.Float()


class WorklistItemOut(Base):
    case_id = fields.Integer()
    title = fields.String()
    debtor = fields.String()
    currency = fields.String()
    owed = fields.String()
    probability = fields.Float()
    expected_recovery = fields.String()
    days_overdue = fields.Integer()
    next_deadline = fields.Date(allow_none=True)
    deadline_at_risk = fields.Boolean()
    segment = fields.String(allow_none=True)
    reasons = fields.List(fields.Nested(ReasonOut))


class ScoreOut(Base):
    kind = choice("评分方式", MODEL_KINDS)
    version = fields.Integer(allow_none=True)


class WorklistOut(Base):
    assignee = fields.Integer()
    score = fields.Nested(ScoreOut)
    items = fields.List(fields.Nested(WorklistItemOut))
