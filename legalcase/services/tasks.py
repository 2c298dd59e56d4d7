"""Tasks that close: complete with a note, snooze to a date, hand over, comment; the lists.

A task belongs to a case, so every change locks the case first (``lock_case``): two people
completing the same task at once get one completion and one clear refusal. Who may change a
task: admins and legal staff; a collector, on a case of their own or a task given to them;
never a viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from legalcase.domain.errors import Conflict, PermissionDenied, ValidationFailed
from legalcase.domain.roles import Role, can_change_case
from legalcase.models import Case, Task, TaskComment, User
from legalcase.models.base import utcnow

from .audit import set_actor
from .common import get_or_404
from .scope import may_see_creditor
from .uow import lock_case

NOTE_MAX = 2000
SNOOZE_MAX_DAYS = 366


def _task_for_change(session: Session, actor: User, task_id: int) -> Task:
    """The task, re-read after its case is locked, if ``actor`` may change it."""
    task = get_or_404(session, Task, task_id, "任务")
    lock_case(session, task.case_id)  # expires what was read: re-read below
    task = get_or_404(session, Task, task_id, "任务")
    case = session.get(Case, task.case_id)
    role = Role(actor.role)
    if role == Role.VIEWER:
        raise PermissionDenied("只读用户不能修改任何内容")
    if not (can_change_case(role, actor.id, case.owner_id) or task.assignee_id == actor.id):
        raise PermissionDenied("催收专员只能处理自己负责的案件或分配给自己的任务")
    set_actor(session, actor.id)
    return task


def _text(value: str | None, field: str, label: str, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed({field: f"请填写{label}"})
        return None
    if len(value) > NOTE_MAX:
        raise ValidationFailed({field: f"{label}最多 {NOTE_MAX} 字"})
    return value


def _still_open(task: Task) -> None:
    if task.is_done:
        who = task.done_by.display_name if task.done_by else "系统"
        raise Conflict("task_done", f"该任务已由{who}完成，不能再修改")


def complete_task(session: Session, actor: User, task_id: int, note: str | None) -> Task:
    task = _task_for_change(session, actor, task_id)
    _still_open(task)
    task.done_note = _text(note, "note", "完成说明")
    task.is_done = True
    task.done_at = utcnow()
    task.done_by_id = actor.id
    session.flush()
    return task


def snooze_task(
    session: Session, actor: User, task_id: int, until: date, today: date, reason: str | None
) -> Task:
    """Move the task's due date to ``until`` (after today, within a year); the reason, if
    given, is kept as a comment."""
    task = _task_for_change(session, actor, task_id)
    _still_open(task)
    if until <= today:
        raise ValidationFailed({"until": "延期日期须晚于今天"})
    if until > today + timedelta(days=SNOOZE_MAX_DAYS):
        raise ValidationFailed({"until": "最多延期一年"})
    reason = _text(reason, "reason", "延期原因", required=False)
    before = task.due_date
    task.due_date = until
    body = f"延期：{before} → {until}" + (f"（{reason}）" if reason else "")
    session.add(TaskComment(task_id=task.id, user_id=actor.id, at=utcnow(), body=body))
    session.flush()
    return task


def reassign_task(session: Session, actor: User, task_id: int, assignee_id: int) -> Task:
    task = _task_for_change(session, actor, task_id)
    _still_open(task)
    assignee = session.get(User, assignee_id)
    if assignee is None or not assignee.is_active:
        raise ValidationFailed({"assignee_id": "该用户不存在或已停用"})
    if assignee.role == Role.VIEWER:
        raise ValidationFailed({"assignee_id": "只读用户不能接受任务"})
    if Role(actor.role) == Role.COLLECTOR and assignee.id != actor.id:
        raise ValidationFailed({"assignee_id": "催收专员只能把任务转给自己"})
    if not may_see_creditor(assignee, session.get(Case, task.case_id).creditor_id):
        raise ValidationFailed({"assignee_id": "该用户无权查看该债权主体的案件"})
    if assignee.id != task.assignee_id:
        before = task.assignee.display_name
        task.assignee_id = assignee.id
        session.add(
            TaskComment(
                task_id=task.id,
                user_id=actor.id,
                at=utcnow(),
                body=f"转派：{before} → {assignee.display_name}",
            )
        )
    session.flush()
    return task


def comment_task(session: Session, actor: User, task_id: int, body: str | None) -> TaskComment:
    """Anyone who may see the task may comment on it, done or not (but not a viewer)."""
    task = get_or_404(session, Task, task_id, "任务")
    if Role(actor.role) == Role.VIEWER:
        raise PermissionDenied("只读用户不能修改任何内容")
    set_actor(session, actor.id)
    comment = TaskComment(
        task_id=task.id, user_id=actor.id, at=utcnow(), body=_text(body, "body", "评论")
    )
    session.add(comment)
    session.flush()
    return comment


def task_page(session: Session, task_id: int) -> Task:
    task = session.scalar(
        select(Task)
        .where(Task.id == task_id)
        .options(
            joinedload(Task.case),
            joinedload(Task.assignee),
            joinedload(Task.done_by),
        )
    )
    if task is None:
        get_or_404(session, Task, task_id, "任务")
    return task


def list_tasks(
    session: Session,
    status: str = "open",
    assignee_id: int | None = None,
    case_id: int | None = None,
    limit: int = 500,
) -> list[Task]:
    """Open tasks by due date (overdue first); done ones, latest first."""
    stmt = select(Task).options(joinedload(Task.case), joinedload(Task.assignee))
    if status == "done":
        stmt = stmt.where(Task.is_done.is_(True)).order_by(Task.done_at.desc(), Task.id.desc())
    else:
        stmt = stmt.where(Task.is_done.is_(False)).order_by(Task.due_date, Task.id)
    if assignee_id is not None:
        stmt = stmt.where(Task.assignee_id == assignee_id)
    if case_id is not None:
        stmt = stmt.where(Task.case_id == case_id)
    return list(session.scalars(stmt.limit(limit)))


@dataclass
class Workload:
    user: User
    open: int
    overdue: int
    oldest_overdue: date | None


def team_overdue(session: Session, today: date) -> list[Workload]:
    """Per person with open tasks: how many, how many overdue, the oldest overdue date;
    those with overdue tasks first."""
    rows = session.execute(
        select(
            Task.assignee_id,
            func.count(Task.id),
            func.count(Task.id).filter(Task.due_date < today),
            func.min(Task.due_date).filter(Task.due_date < today),
        )
        .where(Task.is_done.is_(False))
        .group_by(Task.assignee_id)
    ).all()
    users = {
        u.id: u for u in session.scalars(select(User).where(User.id.in_([r[0] for r in rows])))
    }
    out = [Workload(users[uid], n, late, oldest) for uid, n, late, oldest in rows if uid in users]
    return sorted(out, key=lambda w: (-w.overdue, w.oldest_overdue or date.max, w.user.id))
