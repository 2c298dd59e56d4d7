"""The calendar's view of a deadline: the deadline, the day it acts on, and its case."""

from __future__ import annotations

from marshmallow import fields

from legalcase.services.next_deadline import acts_on

from .court import DeadlineOut
from .fields import list_of


class CalendarItemOut(DeadlineOut):
    case_id = fields.Integer()
    case_title = fields.Function(lambda d: d.case.title)
    owner_id = fields.Function(lambda d: d.case.owner_id)
    # The day it acts on: its date, or for a provisional one the earlier of its two dates.
    acts_on = fields.Function(lambda d: acts_on(d).isoformat())


CalendarList = list_of(CalendarItemOut, "CalendarList")
