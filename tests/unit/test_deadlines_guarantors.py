"""Several guarantors of one debt (issue 14 point 6): each guarantee is its own claim; a demand
made on one guarantor keeps that guarantor's period only, a demand on "the guarantor" without
naming one reaches each (RULES.md section 3)."""

from __future__ import annotations

from datetime import date

from legalcase.domain.calendar import china_calendar
from legalcase.domain.case_deadlines import Guarantee, derive
from legalcase.domain.deadlines import Event

DUE = date(2026, 3, 31)
AS_OF = date(2026, 11, 25)
JOINT_A = Guarantee("guarantee:1", "合同HT-1，保证人甲", "joint", None, DUE, "CN", party_id=10)
JOINT_B = Guarantee("guarantee:2", "合同HT-1，保证人乙", "joint", date(2027, 3, 31), DUE, "CN", 11)


def _periods(events):
    out = derive([], [JOINT_A, JOINT_B], events, AS_OF, china_calendar())
    return {
        kd.source_key: (kd.deadline.status, kd.deadline.date, kd.deadline.basis)
        for kd in out
        if kd.deadline.kind == "guarantee_period"
    }


def test_each_guarantor_has_its_own_period_and_label():
    got = _periods([])
    assert got["guarantee:1"][:2] == ("lost", date(2026, 9, 30))  # six months, passed
    assert got["guarantee:2"][:2] == ("running", date(2027, 3, 31))  # agreed
    assert got["guarantee:1"][2].startswith("合同HT-1，保证人甲：")
    assert got["guarantee:2"][2].startswith("合同HT-1，保证人乙：")


def test_a_demand_on_one_guarantor_keeps_that_guarantee_only():
    demand_on_a = Event("demand", date=date(2026, 6, 1), party="guarantor", party_id=10)
    got = _periods([("ledger:1", demand_on_a)])
    assert got["guarantee:1"][0] == "satisfied"
    assert got["guarantee:2"][0] == "running"  # a demand on 甲 is none on 乙


def test_a_demand_on_the_guarantors_naming_none_reaches_each():
    demand = Event("demand", date=date(2026, 6, 1), party="guarantor")
    got = _periods([("ledger:1", demand)])
    assert got["guarantee:1"][0] == got["guarantee:2"][0] == "satisfied"
    # a demand on the debtor keeps no guarantee
    got = _periods([("ledger:2", Event("demand", date=date(2026, 6, 1), party="debtor"))])
    assert got["guarantee:1"][0] == "lost"
