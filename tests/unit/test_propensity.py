"""Issue 18, pure parts: features from a case's history, the rules' score and its reasons, the
history threshold, calibration, the segment cadence, KPI months."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from bench.history import simulate
from legalcase.domain import kpi
from legalcase.domain import propensity as P
from legalcase.domain.ladder import RUNGS
from legalcase.services.propensity import SEED, _fit, back_test, snapshots
from legalcase.services.segments import Cadence, cadence_rungs, segment_of

D = date(2026, 6, 1)


def _history(**kw) -> P.History:
    base = {
        "receivables": [(date(2026, 1, 1), date(2026, 2, 1), Decimal("10000"))],
        "payments": [],
        "promises": [],
        "contacts": [],
    }
    return P.History(**{**base, **kw})


def test_features_count_only_what_happened_before_the_day():
    h = _history(
        payments=[(date(2026, 4, 1), Decimal("4000")), (date(2026, 6, 10), Decimal("6000"))],
        promises=[(date(2026, 3, 1), date(2026, 3, 15), "broken")],
        contacts=[(date(2026, 5, 20), "reached", None), (date(2026, 5, 25), "no_answer", None)],
    )
    f = P.features(h, D)
    assert f["months_overdue"] == (D - date(2026, 2, 1)).days / 30  # still overdue
    assert f["paid_share"] == 0.4  # the June payment is in the future
    assert f["payments_90d"] == 1
    assert f["promises_broken"] == 1
    assert f["reached_share_90d"] == 0.5
    assert P.paid_within(h, D) is True
    assert P.paid_within(h, date(2026, 7, 1)) is False


def test_rules_score_explains_itself_and_moves_with_the_facts():
    calm = P.features(_history(), date(2026, 2, 15))
    broken = P.features(
        _history(
            promises=[(date(2026, 2, 2), date(2026, 2, 10), "broken")],
            contacts=[(date(2026, 2, 2), "disputed", "dispute")],
            disputes=[(date(2026, 2, 2), None)],
        ),
        date(2026, 2, 15),
    )
    a, b = P.RULES.score(calm), P.RULES.score(broken)
    assert a.kind == b.kind == "rules"
    assert b.probability < a.probability
    assert {r.feature for r in b.reasons} >= {"disputed", "promises_broken"}
    assert all(r.contribution < 0 for r in b.reasons if r.feature == "disputed")
    assert "有未解决的异议" in " ".join(r.text for r in b.reasons)


def test_disputed_is_a_dispute_open_on_the_day_not_any_objection_ever_noted():
    day = date(2026, 2, 15)
    objected = _history(contacts=[(date(2026, 2, 2), "disputed", "dispute")])
    assert P.features(objected, day)["disputed"] == 0.0  # noted in a call, no dispute recorded
    resolved = _history(disputes=[(date(2026, 1, 5), date(2026, 2, 1))])
    assert P.features(resolved, day)["disputed"] == 0.0  # resolved: the label would lie
    assert P.features(resolved, date(2026, 1, 20))["disputed"] == 1.0  # open back then
    still_open = _history(disputes=[(date(2026, 1, 5), date(2026, 2, 1)), (day, None)])
    assert P.features(still_open, day)["disputed"] == 1.0


def test_too_little_history_means_the_rules():
    assert not P.enough_history([True, False] * 50)  # 100 snapshots
    assert not P.enough_history([True] * 10 + [False] * 300)  # too few payments
    assert P.enough_history([True] * 60 + [False] * 200)


def test_fit_is_reproducible_for_a_fixed_history():
    today = date(2026, 11, 25)
    sims = simulate(random.Random(SEED), 150, today)
    hs = {
        i: P.History(
            sorted(c.receivables),
            sorted(c.payments),
            sorted((m, d, s) for m, d, _a, s in c.promises),
            sorted(c.contacts),
            c.court_from,
        )
        for i, c in enumerate(sims)
    }
    rows = snapshots(hs, today - timedelta(weeks=78), today - timedelta(days=30))
    first, second = _fit(rows), _fit(list(rows))
    assert first.as_dict() == second.as_dict()
    x = rows[0][2]
    assert first.score(x).probability == second.score(x).probability
    days = sorted({r[0] for r in rows})
    test = back_test(rows, days[-3])
    assert test.auc is not None and test.auc > 0.75
    assert len(test.deciles) == 10
    assert sum(d.count for d in test.deciles) == test.test


def test_calibration_deciles_are_ordered_by_score():
    p = [i / 100 for i in range(100)]
    y = [i >= 50 for i in range(100)]
    table = P.calibration(y, p)
    assert [d.count for d in table] == [10] * 10
    assert table[0].observed == 0 and table[-1].observed == 1
    assert table[0].predicted < table[-1].predicted


def test_expected_recovery_is_probability_times_owed():
    assert P.expected_recovery(0.25, Decimal("10000.00")) == Decimal("2500.00")


def test_segment_cadence_replaces_the_rung_days():
    rungs = cadence_rungs(RUNGS, [10, 20, 40, 120])
    assert [r[0] for r in rungs] == [10, 20, 40, 120]
    assert [r[1] for r in rungs] == ["overdue30", "overdue60", "overdue90", "rung4"]
    assert rungs[0][2].startswith("逾期10天")
    seg = Cadence(1, "高风险", 0, 30, None, None, None, (10, 20, 40), ("call",), None)
    assert segment_of([seg], 0.2, 1, Decimal("1")) is seg
    assert segment_of([seg], 0.5, 1, Decimal("1")) is None
    assert segment_of([seg], None, 1, Decimal("1")) is None  # a band needs a score


def test_kpi_month_rates():
    c = kpi.CaseFacts(
        receivables=[(date(2026, 1, 1), date(2026, 3, 1), Decimal("1000"))],
        payments=[(date(2026, 4, 10), Decimal("500"))],
        promises=[(date(2026, 3, 20), date(2026, 4, 10), "kept")],
        contacts=[date(2026, 3, 20)],
    )
    silent = kpi.CaseFacts(
        receivables=[(date(2026, 1, 1), date(2026, 3, 5), Decimal("1000"))],
        payments=[],
        promises=[],
        contacts=[date(2026, 5, 1)],  # too late for the 30 days
    )
    march = kpi.month_kpi([c, silent], "2026-03", date(2026, 11, 25))
    assert march.fell_overdue == 2
    assert march.contact_rate == Decimal("0.5")
    assert march.commitment_rate == Decimal("0.5")
    april = kpi.month_kpi([c, silent], "2026-04", date(2026, 11, 25))
    assert april.recovery_rate == Decimal("0.25")  # 500 of the 2,000 owed at the start
    assert april.promise_kept_rate == Decimal("1")
    # a month not yet 30 days past: no contact rate yet
    assert kpi.month_kpi([c], "2026-03", date(2026, 3, 20)).contact_rate is None
