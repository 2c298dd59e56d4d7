"""Pre-suit mediation (诉前调解) in the API: the mediation as dumped, and closing it."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import MEDIATION_OUTCOMES

from .fields import Base, choice, day, list_of, text

CLOSING = {k: v for k, v in MEDIATION_OUTCOMES.items() if k in ("agreed", "failed", "withdrawn")}


class MediationCloseSchema(Base):
    """The outcome without the court's confirmation (that is a court event: the screen's
    司法确认 form); ``ended_date`` defaults to today."""

    outcome = choice("调解结果", CLOSING)
    ended_date = day("结束日期", required=False)
    note = text("备注", max_len=2000, widget="textarea")


class MediationSessionOut(Base):
    id = fields.Integer()
    mediation_id = fields.Integer()
    held_date = fields.Date()
    summary = fields.String()


class MediationOut(Base):
    id = fields.Integer()
    case_id = fields.Integer()
    organisation = fields.String()
    mediator = fields.String(allow_none=True)
    started_date = fields.Date()
    outcome = fields.String(metadata={"choices": MEDIATION_OUTCOMES})
    ended_date = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    court_event_id = fields.Integer(allow_none=True)
    sessions = fields.List(fields.Nested(MediationSessionOut))


MediationList = list_of(MediationOut, "MediationList")
