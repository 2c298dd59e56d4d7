"""任务: my tasks, the team's overdue tasks, and one task with its actions and comments."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.services import queries
from legalcase.services import tasks as task_svc
from legalcase.services.clock import today

from .forms import only_form_errors, readable_message

bp = Blueprint("tasks", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


@bp.get("/tasks")
def index():
    status = request.args.get("status", "open")
    status = status if status in ("open", "done") else "open"
    who = request.args.get("assignee", "me")
    assignee = current_user.id if who == "me" else (int(who) if who.isdigit() else None)
    return render_template(
        "tasks.html",
        tasks=task_svc.list_tasks(db.session, status, assignee),
        status=status,
        who=who if (who == "me" or who.isdigit()) else "all",
        users=queries.choices_users(db.session),
        today=today(),
    )


@bp.get("/tasks/team")
def team():
    return render_template(
        "tasks_team.html",
        workload=task_svc.team_overdue(db.session, today()),
        today=today(),
    )


def _page(task_id: int, errors: dict | None = None, message: str | None = None, values=None):
    return render_template(
        "task.html",
        t=task_svc.task_page(db.session, task_id),
        users=queries.choices_users(db.session),
        errors=errors or {},
        message=message,
        values=values or {},
        today=today(),
    ), (422 if message else 200)


@bp.get("/tasks/<int:task_id>")
def show(task_id: int):
    return _page(task_id)


def _act(task_id: int, schema, action, done: str):
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        data = S.parse(schema, values)
        action(data)
    except DomainError as exc:
        only_form_errors(exc)
        return _page(task_id, exc.fields, readable_message(exc, schema), values)
    flash(done, "success")
    return redirect(url_for("tasks.show", task_id=task_id))


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int):
    return _act(
        task_id,
        S.TaskCompleteSchema(),
        lambda d: task_svc.complete_task(db.session, current_user, task_id, d["note"]),
        "任务已完成",
    )


@bp.post("/tasks/<int:task_id>/snooze")
def snooze(task_id: int):
    return _act(
        task_id,
        S.TaskSnoozeSchema(),
        lambda d: task_svc.snooze_task(
            db.session, current_user, task_id, d["until"], today(), d.get("reason")
        ),
        "任务已延期",
    )


@bp.post("/tasks/<int:task_id>/assign")
def assign(task_id: int):
    return _act(
        task_id,
        S.TaskAssignSchema(),
        lambda d: task_svc.reassign_task(db.session, current_user, task_id, d["assignee_id"]),
        "任务已转派",
    )


@bp.post("/tasks/<int:task_id>/comments")
def comment(task_id: int):
    return _act(
        task_id,
        S.TaskCommentSchema(),
        lambda d: task_svc.comment_task(db.session, current_user, task_id, d["body"]),
        "评论已添加",
    )
