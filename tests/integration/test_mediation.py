"""Pre-suit mediation (issue 17 point 3): the stage between demand and suit, the mediation
record with its sessions, and a confirmed mediation agreement recorded as a court event that
is enforceable like a judgment (RULES.md section 4: 2 years from the last day to perform)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from legalcase.domain.court_fields import KIND_FIELDS
from legalcase.domain.errors import DomainError
from legalcase.domain.periods import add_years
from legalcase.domain.stages import Stage, allowed_moves, check_move
from legalcase.models import CaseDeadline
from legalcase.services import cases, mediation
from legalcase.services.claims import claim_for_case
from tests import factories as F


def test_mediation_sits_between_demand_and_suit():
    assert Stage.MEDIATION in allowed_moves(Stage.DEMAND)
    assert Stage.MEDIATION not in allowed_moves(Stage.PRE_LEGAL)
    after = allowed_moves(Stage.MEDIATION)
    assert {Stage.LITIGATION, Stage.ARBITRATION, Stage.PRESERVATION, Stage.ENFORCEMENT} <= after
    with pytest.raises(DomainError) as exc:
        check_move(Stage.LITIGATION, Stage.MEDIATION, "回到调解")
    assert "不能从“诉讼”转到“诉前调解”" in exc.value.message
    # the court event form offers the confirmation with the fields of an effective document
    assert "performance_due" in KIND_FIELDS["mediation_confirmed"]
    assert "served_date" not in KIND_FIELDS["mediation_confirmed"]  # no appeal


@pytest.fixture
def in_demand(session):
    legal = F.user(session, "legal", name="陈律师")
    case = F.case(session, legal)
    F.receivable(session, legal, case, "FP-3", "80000.00", date(2025, 1, 2), date(2025, 3, 1))
    cases.move_stage(session, legal, case, "demand", "发出律师函")
    session.commit()
    return session, legal, case


def test_mediation_record_and_confirmation_enforceable_like_a_judgment(in_demand):
    session, legal, case = in_demand
    m = mediation.open_mediation(
        session,
        legal,
        case,
        {"organisation": "上海市闵行区人民法院诉前调解中心", "mediator": "周调解",
         "started_date": date(2025, 9, 1)},
    )  # fmt: skip
    session.commit()
    assert case.stage == "mediation"
    mediation.add_session(
        session, legal, m.id, {"held_date": date(2025, 9, 10), "summary": "双方同意分两期付清"}
    )
    session.commit()
    with pytest.raises(DomainError) as exc:
        mediation.add_session(
            session, legal, m.id, {"held_date": date(2025, 8, 1), "summary": "早于申请"}
        )
    assert "不能早于申请调解之日" in exc.value.fields["held_date"]
    session.rollback()
    event = mediation.confirm_mediation(
        session,
        legal,
        m.id,
        {
            "court_name": "上海市闵行区人民法院",
            "document_number": "（2025）沪0112民特301号",
            "effective_date": date(2025, 9, 20),
            "performance_due": date(2025, 12, 31),
            "awarded_principal": Decimal("78000.00"),
            "awarded_interest": Decimal("0.00"),
            "awarded_costs": Decimal("0.00"),
        },
        today=date(2025, 9, 25),
    )
    session.commit()
    [found] = mediation.case_mediations(session, case.id)
    assert found.outcome == "confirmed" and found.court_event_id == event.id
    assert [s.summary for s in found.sessions] == ["双方同意分两期付清"]
    assert event.kind == "mediation_confirmed"
    deadlines = {
        d.kind: d
        for d in session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case.id))
    }
    enforce = deadlines["enforcement_application"]
    assert enforce.unadjusted_date == add_years(date(2025, 12, 31), 2)
    assert "申请执行期间二年，自履行期限最后一日（2025-12-31）起算" in enforce.basis
    assert "appeal" not in deadlines  # a confirmation is not appealed
    # its amounts are the claim now, as a judgment's are: the principal the agreement settles
    claim = claim_for_case(session, case, date(2025, 10, 1))
    assert claim.judgment_outstanding == Decimal("78000.00")
    session.refresh(case)
    assert case.outstanding_amount == Decimal("78000.00")
    # a closed mediation takes no more sessions
    with pytest.raises(DomainError) as exc:
        mediation.add_session(
            session, legal, m.id, {"held_date": date(2025, 9, 21), "summary": "再谈"}
        )
    assert exc.value.code == "mediation_closed"
    session.rollback()
    # and the case may go on to enforcement
    cases.move_stage(session, legal, case, "enforcement", "对方未按调解协议履行")
    session.commit()
    assert case.stage == "enforcement"


def test_failed_mediation_then_suit(in_demand):
    session, legal, case = in_demand
    m = mediation.open_mediation(
        session, legal, case, {"organisation": "人民调解委员会", "started_date": date(2025, 9, 1)}
    )
    session.commit()
    mediation.end_mediation(
        session,
        legal,
        m.id,
        {"outcome": "failed", "ended_date": date(2025, 9, 30), "note": "对方拒不到场"},
    )
    session.commit()
    assert mediation.case_mediations(session, case.id)[0].outcome == "failed"
    cases.move_stage(session, legal, case, "litigation", "调解不成，起诉")
    session.commit()
    assert case.stage == "litigation"
