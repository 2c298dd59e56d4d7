"""Run the escalation ladder over open cases: create the tasks the facts call for, once each."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from legalcase.domain.aging import days_overdue
from legalcase.domain.ladder import RUNGS, rung_keys, tasks_for
from legalcase.domain.roles import Role
from legalcase.domain.stages import IN_COURT, Stage
from legalcase.models import Case, CaseDeadline, Promise, Task, User
from legalcase.models.base import utcnow

from .audit import set_actor
from .clock import today as clock_today
from .disputes import collection_view
from .next_deadline import acts_on, acts_on_expr
from .plans import acceleration_tasks
from .segments import case_rungs


def run_ladder(session: Session, today: date | None = None, rungs=RUNGS) -> int:
    """Create missing tasks for every open case; returns how many were created."""
    today = today or clock_today()
    set_actor(session, None)
    cases = list(session.scalars(select(Case).where(~Case.stage.startswith("closed"))))
    ids = [c.id for c in cases]
    # open disputes (issue 16): their receivables are not chased; all disputed: paused
    disputed = collection_view(session, ids)
    # a case in a risk segment with its own cadence climbs the segment's rungs (issue 18)
    per_case = case_rungs(session, cases, rungs, today)
    keys = set(rung_keys(rungs)).union(*(rung_keys(r) for r in per_case.values()))
    tasks = list(session.scalars(select(Task).where(Task.case_id.in_(ids))))
    # Every reason that ever made a task, done or not: a completed task is never re-created.
    existing = {(t.case_id, t.reason_key) for t in tasks}
    open_rungs: dict[int, list[Task]] = defaultdict(list)
    for t in tasks:
        if not t.is_done and t.reason_key in keys:
            open_rungs[t.case_id].append(t)
    broken: dict[int, list] = defaultdict(list)
    for p in session.scalars(
        select(Promise).where(
            Promise.case_id.in_(ids),
            or_(
                # partly kept: the rest is still unpaid, followed up as a broken promise
                Promise.status.in_(("broken", "partial")),
                (Promise.status == "open") & (Promise.due_date < today),
            ),
        )
    ):
        broken[p.case_id].append((p.id, p.due_date))
    deadlines: dict[int, list] = defaultdict(list)
    for d in session.scalars(
        select(CaseDeadline).where(
            CaseDeadline.case_id.in_(ids),
            CaseDeadline.is_active.is_(True),
            CaseDeadline.is_handled.is_(False),
            CaseDeadline.status == "running",
            acts_on_expr() <= today + timedelta(days=90),
        )
    ):
        deadlines[d.case_id].append((d.id, d.kind, acts_on(d)))  # provisional: the earlier date
    lawyer = session.scalar(
        select(User.id)
        .where(User.role == Role.LEGAL.value, User.is_active.is_(True))
        .order_by(User.id)
    )
    created = 0
    for case in cases:
        specs = tasks_for(
            days_overdue(_undisputed_due(case, disputed), today),
            broken[case.id],
            deadlines[case.id],
            today,
            per_case.get(case.id, rungs),
            in_court=Stage(case.stage) in IN_COURT,
        )
        for spec in specs:
            if (case.id, spec.key) in existing:
                continue
            assignee = lawyer if spec.assignee == "legal" and lawyer else case.owner_id
            session.add(
                Task(
                    case_id=case.id,
                    assignee_id=assignee,
                    reason_key=spec.key,
                    title=spec.title,
                    reason=spec.reason,
                    due_date=today + timedelta(days=spec.due_in_days),
                    created_at=utcnow(),
                )
            )
            existing.add((case.id, spec.key))
            created += 1
            if spec.key in keys:
                _supersede(open_rungs[case.id], spec.title)
    # a repayment plan broken beyond its grace days: the whole balance is due (issue 17)
    created += acceleration_tasks(session, cases, existing, today)
    session.flush()
    return created


def _undisputed_due(case: Case, disputed: dict) -> date | None:
    """The oldest unpaid due date of what is not under an open dispute (None: paused)."""
    view = disputed.get(case.id)
    return case.oldest_unpaid_due_date if view is None else view.oldest_due


def _supersede(lower: list[Task], title: str) -> None:
    """A case that climbed a rung: its lower rung's open task is closed, saying why."""
    for t in lower:
        t.is_done = True
        t.done_at = utcnow()
        t.done_note = f"案件已升级，由新任务“{title}”接续"


def open_tasks(
    session: Session, user_id: int | None = None, case_id: int | None = None
) -> list[Task]:
    stmt = select(Task).where(Task.is_done.is_(False)).order_by(Task.due_date, Task.id)
    if user_id is not None:
        stmt = stmt.where(Task.assignee_id == user_id)
    if case_id is not None:
        stmt = stmt.where(Task.case_id == case_id)
    return list(session.scalars(stmt))
