"""Batch reminders skip cases at or beyond litigation unless asked (issue 14 point 12)."""

from __future__ import annotations

from datetime import timedelta

from legalcase.services import cases as case_svc
from legalcase.services.clock import today
from legalcase.services.documents.batch import batch_cases
from tests import factories as F


def test_cases_in_court_get_no_reminder_unless_asked(session):
    admin = F.user(session)
    ids = {}
    for name, stages in (
        ("催收中", []),
        ("已起诉", ["demand", "litigation"]),
        ("执行中", ["demand", "litigation", "judgment", "enforcement"]),
    ):
        case = F.case(session, admin, title=name)
        due = today() - timedelta(days=45)
        F.receivable(session, admin, case, f"B-{name}", "1000", due - timedelta(days=30), due)
        for stage in stages:
            case_svc.move_stage(session, admin, case, stage, "测试")
        session.commit()
        ids[name] = case.id
    picked = batch_cases(session, admin, "31-60", "reminder_30", today())
    assert picked == [ids["催收中"]]
    everyone = batch_cases(session, admin, "31-60", "reminder_30", today(), include_in_court=True)
    assert sorted(everyone) == sorted(ids.values())
