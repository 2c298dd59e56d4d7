"""The escalation ladder: which tasks a case's facts call for (defaults from practice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

URGENT_KINDS = (
    "limitation",
    "guarantee_period",
    "guarantor_limitation",
    "freeze_expiry",
    "freeze_renewal_apply_by",
    "enforcement_application",
)

RUNGS = (
    (30, "overdue30", "逾期30天：提醒业务负责人跟进", "owner", 3),
    (60, "overdue60", "逾期60天：指派催收专员，要求债务人提出还款计划", "owner", 5),
    (90, "overdue90", "逾期90天：启动法律评估，拟发律师函", "legal", 7),
)


@dataclass(frozen=True)
class TaskSpec:
    key: str  # unique per case: the same reason never makes a second task
    title: str
    reason: str
    assignee: str  # owner | legal
    due_in_days: int


def rungs_from(days: str | None) -> tuple:
    """The default rungs with their day counts replaced, e.g. '45,75,120' (settings)."""
    if not days:
        return RUNGS
    values = [int(d) for d in days.split(",") if d.strip().isdigit()]
    if len(values) != len(RUNGS) or values != sorted(values):
        raise ValueError(f"ladder days must be {len(RUNGS)} rising numbers: {days!r}")
    return tuple(
        (d, key, title.replace(f"逾期{old}天", f"逾期{d}天"), who, due)
        for d, (old, key, title, who, due) in zip(values, RUNGS, strict=True)
    )


def rung_keys(rungs=RUNGS) -> tuple[str, ...]:
    return tuple(r[1] for r in rungs)


def tasks_for(
    days_overdue: int,
    broken_promises: list[tuple[int, date]],
    deadlines: list[tuple[int, str, date]],
    today: date,
    rungs=RUNGS,
    in_court: bool = False,
) -> list[TaskSpec]:
    """``broken_promises``: (id, due date); ``deadlines``: (id, kind, date) of open deadlines.

    Only the task of the case's CURRENT rung (the highest reached), not every rung passed on
    the way; a case in the court's hands (``in_court``: preservation, suit, arbitration,
    judgment, enforcement) gets no collection task at all, only deadline reviews."""
    out = []
    if in_court:
        broken_promises = []
        reached = []
    else:
        reached = [r for r in rungs if days_overdue >= r[0]]
    # a broken promise moves the case one rung up
    if broken_promises and len(reached) < len(rungs):
        reached = list(rungs[: len(reached) + 1])
    for days, key, title, who, due in reached[-1:]:
        why = f"已逾期 {days_overdue} 天" + (
            "" if days_overdue >= days else "，且还款承诺违约，提前升级"
        )
        out.append(TaskSpec(key, title, why, who, due))
    for pid, due_date in broken_promises:
        out.append(
            TaskSpec(
                f"broken_promise:{pid}",
                "还款承诺违约：联系债务人并升级处理",
                f"承诺于 {due_date} 前付款，未履行",
                "owner",
                2,
            )
        )
    for did, kind, day in deadlines:
        left = (day - today).days
        if kind in URGENT_KINDS and 0 <= left <= 90:
            out.append(
                TaskSpec(
                    f"deadline:{did}",
                    "紧急法律审查：重要期限将至",
                    f"{kind} 于 {day} 届满，剩 {left} 天",
                    "legal",
                    min(7, max(left, 0)),
                )
            )
    return out
