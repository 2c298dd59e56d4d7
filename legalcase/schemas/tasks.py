"""Tasks: completing, snoozing, handing over, commenting; and the API's view of a task."""

from __future__ import annotations

from marshmallow import fields

from .fields import Base, Moment, day, list_of, ref, text


class TaskCompleteSchema(Base):
    note = text("完成说明", required=True, max_len=2000, widget="textarea")


class TaskSnoozeSchema(Base):
    until = day("延期至")
    reason = text("延期原因", max_len=2000)


class TaskAssignSchema(Base):
    assignee_id = ref("转派给")


class TaskCommentSchema(Base):
    body = text("评论", required=True, max_len=2000, widget="textarea")


# ---- output ----------------------------------------------------------------------


class TaskCommentOut(Base):
    id = fields.Integer()
    user_id = fields.Integer()
    at = Moment()
    body = fields.String()


class TaskOut(Base):
    id = fields.Integer()
    case_id = fields.Integer()
    assignee_id = fields.Integer()
    reason_key = fields.String()
    title = fields.String()
    reason = fields.String()
    due_date = fields.Date()
    is_done = fields.Boolean()
    done_at = Moment(allow_none=True)
    done_note = fields.String(allow_none=True)
    done_by_id = fields.Integer(allow_none=True)
    comments = fields.List(fields.Nested(TaskCommentOut))


TaskList = list_of(TaskOut, "TaskList")
