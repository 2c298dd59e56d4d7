"""The worklist says a dispute is there only while one is open, and raises a case only for a
deadline something can still be done about (reviewer's points 3 and 4)."""

from __future__ import annotations

from datetime import timedelta

from legalcase.models import CaseDeadline
from legalcase.models.base import utcnow
from legalcase.services import disputes, worklist
from legalcase.services.clock import today
from legalcase.services.next_deadline import store_next_deadlines
from tests import factories as F


def _case(session, boss, owner, title: str, amount: str = "10000"):
    day = today()
    c = F.case(session, boss, owner=owner, title=title)
    r = F.receivable(
        session, boss, c, f"R-{title}", amount, day - timedelta(days=90), day - timedelta(days=45)
    )
    return c, r


def _deadline(session, c, kind: str, days: int, status: str, waived: bool = False) -> None:
    day = today() + timedelta(days=days)
    session.add(
        CaseDeadline(
            case_id=c.id,
            kind=kind,
            source_key=f"test:{kind}:{days}",
            due_date=day,
            unadjusted_date=day,
            status=status,
            basis="测试",
            is_defence_waived=waived,
            computed_at=utcnow(),
        )
    )
    session.flush()
    store_next_deadlines(session, [c.id])


def test_the_dispute_reason_is_shown_only_while_a_dispute_is_open(session):
    boss = F.user(session, "admin")
    me = F.user(session, "collector")
    c, r = _case(session, boss, me, "异议案件")
    session.commit()

    def labels() -> str:
        (item,) = worklist.worklist(session, me.id, today())
        return " ".join(x.text for x in item.reasons)

    assert "有未解决的异议" not in labels()
    d = disputes.open_dispute(session, boss, c, {"receivable_id": r.id, "reason": "quality"})
    session.commit()
    assert "有未解决的异议" in labels()
    disputes.resolve_dispute(session, boss, d, {"outcome": "rejected", "note": "货物合格"})
    session.commit()
    assert "异议" not in labels() and "争议" not in labels()  # resolved: not said any more


def test_only_deadlines_still_actionable_raise_a_case(session):
    boss = F.user(session, "admin")
    me = F.user(session, "collector")
    # the biggest amounts owed have deadlines nothing can be done about, or far off
    lost, _ = _case(session, boss, me, "保证期间已丧失", "900000")
    _deadline(session, lost, "guarantee_period", -758, "lost")
    missed, _ = _case(session, boss, me, "上诉期已过", "800000")
    _deadline(session, missed, "appeal", -3, "expired")
    cured, _ = _case(session, boss, me, "时效抗辩已放弃", "700000")
    _deadline(session, cured, "limitation", -30, "expired", waived=True)
    far, _ = _case(session, boss, me, "期限尚远", "600000")
    _deadline(session, far, "appeal", 8, "running")
    soon, _ = _case(session, boss, me, "七日内到期", "1000")
    _deadline(session, soon, "appeal", 7, "running")
    expired, _ = _case(session, boss, me, "时效已过可补救", "2000")
    _deadline(session, expired, "limitation", -20, "expired")
    # a lost guarantee is the case's next deadline; a running one within 7 days still counts
    both, _ = _case(session, boss, me, "丧失加临近", "3000")
    _deadline(session, both, "guarantee_period", -758, "lost")
    _deadline(session, both, "freeze_renewal_apply_by", 2, "running")
    session.commit()
    items = worklist.worklist(session, me.id, today())
    top = [w.title for w in items if w.deadline_at_risk]
    assert top == ["时效已过可补救", "丧失加临近", "七日内到期"]  # nearest first
    assert [w.title for w in items[:3]] == top
    by_title = {w.title: w for w in items}
    assert by_title["丧失加临近"].next_deadline == today() + timedelta(days=2)
    assert by_title["保证期间已丧失"].next_deadline == today() - timedelta(days=758)  # still shown
    assert not by_title["保证期间已丧失"].deadline_at_risk
    assert (
        worklist.at_risk("guarantee_period", today() - timedelta(days=1), False, today()) is False
    )
    assert worklist.at_risk("limitation", today(), False, today()) is True
