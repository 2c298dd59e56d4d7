"""Tasks: the lists, completing, snoozing, handing over and commenting."""

from __future__ import annotations

from flask import g, request

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import ValidationFailed
from legalcase.services import tasks as task_svc
from legalcase.services.clock import today

from . import body, bp, dumps

STATUSES = ("open", "done")


@bp.get("/tasks")
@dumps(S.TaskList)
def list_tasks():
    errors: dict[str, str] = {}
    status = request.args.get("status", "open")
    if status not in STATUSES:
        errors["status"] = "应为 open 或 done"
    assignee = S.int_arg(request.args, "assignee", None, 1, 2**31 - 1, errors)
    case_id = S.int_arg(request.args, "case", None, 1, 2**31 - 1, errors)
    if errors:
        raise ValidationFailed(errors)
    return {"items": task_svc.list_tasks(db.session, status, assignee, case_id)}


@bp.get("/tasks/<int:task_id>")
@dumps(S.TaskOut)
def get_task(task_id: int):
    return task_svc.task_page(db.session, task_id)


@bp.post("/tasks/<int:task_id>/complete")
@dumps(S.TaskOut)
def complete(task_id: int):
    data = S.parse(S.TaskCompleteSchema(), body())
    return task_svc.complete_task(db.session, g.api_user, task_id, data["note"])


@bp.post("/tasks/<int:task_id>/snooze")
@dumps(S.TaskOut)
def snooze(task_id: int):
    data = S.parse(S.TaskSnoozeSchema(), body())
    return task_svc.snooze_task(
        db.session, g.api_user, task_id, data["until"], today(), data.get("reason")
    )


@bp.patch("/tasks/<int:task_id>")
@dumps(S.TaskOut)
def reassign(task_id: int):
    data = S.parse(S.TaskAssignSchema(), body())
    return task_svc.reassign_task(db.session, g.api_user, task_id, data["assignee_id"])


@bp.post("/tasks/<int:task_id>/comments")
@dumps(S.TaskCommentOut, status=201)
def comment(task_id: int):
    data = S.parse(S.TaskCommentSchema(), body())
    return task_svc.comment_task(db.session, g.api_user, task_id, data["body"])
