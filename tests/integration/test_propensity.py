"""Issue 18 with the database: the model trained from the installation's own history (and the
rules below the threshold), the worklist's order, a segment's cadence driving the ladder, the
early warning, targets, the retrain command."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import select

from bench.history import load, simulate
from legalcase.cli import main
from legalcase.models import Case, CollectorTarget, PropensityModel, Task
from legalcase.services import propensity, segments, targets, worklist
from legalcase.services.clock import today as clock_today
from legalcase.services.ladder import run_ladder
from tests import factories as F

TODAY = date(2026, 11, 25)


def history(session, n: int, seed: int = 7, today: date = TODAY) -> tuple[list[int], object]:
    """``n`` simulated cases (bench/history.py) owned by two collectors."""
    admin = F.user(session, "admin")
    owners = [F.user(session, "collector"), F.user(session, "collector")]
    cred = F.creditor(session)
    ids = load(
        session.connection(),
        simulate(random.Random(seed), n, today),
        [cred.id],
        [o.id for o in owners],
        admin.id,
    )
    session.commit()
    return ids, (admin, owners)


def test_model_from_the_history_is_reproducible_and_back_tested(session):
    history(session, 120)
    first = propensity.train(session, TODAY)
    second = propensity.train(session, TODAY)
    session.commit()
    assert (first.version, second.version) == (1, 2)
    assert first.kind == "logistic" and first.note is None
    assert first.params == second.params  # same history, same model
    assert first.auc == second.auc and first.auc > Decimal("0.75")
    assert first.holdout_from is not None and first.holdout_snapshots > 0
    deciles = json.loads(first.calibration)
    assert len(deciles) == 10 and sum(d["count"] for d in deciles) == first.holdout_snapshots
    model, row = propensity.current(session)
    assert row.version == 2 and model.kind == "logistic"


def test_too_little_history_stores_the_rules_and_says_so(session):
    history(session, 8)
    row = propensity.train(session, TODAY)
    session.commit()
    assert row.kind == "rules"
    assert "历史数据不足" in row.note and f"{row.snapshots} 个快照" in row.note
    model, _ = propensity.current(session)
    assert model.kind == "rules"


def test_worklist_order_follows_expected_recovery(session):
    ids, (_admin, owners) = history(session, 40, today=clock_today())
    day = clock_today()
    items = worklist.worklist(session, owners[0].id, day)
    assert len(items) >= 5
    assert not any(w.deadline_at_risk for w in items)
    expected = [w.expected for w in items]
    assert expected == sorted(expected, reverse=True)
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(ids)))}
    for w in items:
        # the case's one stored amount owed, times the score
        assert w.owed == cases[w.case_id].outstanding_amount
        assert w.expected == (Decimal(str(round(w.probability, 6))) * w.owed).quantize(
            Decimal("0.01")
        )
    # a deadline about to pass raises the case above every other
    last = items[-1]
    from legalcase.models import CaseDeadline
    from legalcase.models.base import utcnow
    from legalcase.services.next_deadline import store_next_deadlines

    session.add(
        CaseDeadline(
            case_id=last.case_id,
            kind="appeal",
            source_key="test:appeal",
            due_date=day + timedelta(days=2),
            status="running",
            basis="测试",
            computed_at=utcnow(),
        )
    )
    session.flush()
    store_next_deadlines(session, [last.case_id])
    session.commit()
    again = worklist.worklist(session, owners[0].id, day)
    assert again[0].case_id == last.case_id and again[0].deadline_at_risk
    assert worklist.next_case(again, again[0].case_id).case_id == again[1].case_id


def test_a_segments_cadence_drives_the_ladder(session):
    admin = F.user(session, "admin")
    fast, slow = F.creditor(session), F.creditor(session)
    day = clock_today()
    a = F.case(session, admin, cred=fast, title="分层案件")
    b = F.case(session, admin, cred=slow, title="通用阶梯案件")
    for c, inv in ((a, "SEG-1"), (b, "SEG-2")):
        F.receivable(
            session, admin, c, inv, "50000", day - timedelta(days=60), day - timedelta(days=15)
        )
    segments.save_segments(
        session,
        admin,
        [
            {
                "name": "重点客户",
                "creditor_id": str(fast.id),
                "ladder_days": "10,40,80",
                "channels": ["call", "visit"],
                "letter_template": "reminder_30",
            }
        ],
        {"reminder_30": "催款函"},
    )
    session.commit()
    run_ladder(session, day)
    session.commit()
    tasks = {t.case_id: t for t in session.scalars(select(Task))}
    assert tasks[a.id].reason_key == "overdue30"
    assert tasks[a.id].title.startswith("逾期10天")
    assert tasks[a.id].title.endswith("（重点客户：电话、上门拜访；函件：催款函（逾期30天））")
    assert b.id not in tasks  # 15 days overdue: below the common 30-day rung
    # the segment reaches the second rung at 40 days, superseding the first
    run_ladder(session, day + timedelta(days=26))
    session.commit()
    open_keys = {
        t.reason_key
        for t in session.scalars(select(Task).where(Task.case_id == a.id))
        if not t.is_done
    }
    assert open_keys == {"overdue60"}


def test_segment_settings_refuse_bad_rows_and_non_admins(session):
    import pytest

    from legalcase.domain.errors import PermissionDenied, ValidationFailed

    admin, collector = F.user(session, "admin"), F.user(session, "collector")
    with pytest.raises(ValidationFailed) as bad:
        segments.save_segments(
            session, admin, [{"name": "", "ladder_days": "40,10", "channels": []}], {}
        )
    assert set(bad.value.fields) == {
        "segments.0.name",
        "segments.0.ladder_days",
        "segments.0.channels",
    }
    session.rollback()
    with pytest.raises(PermissionDenied):
        segments.save_segments(session, collector, [], {})


def test_early_warning_lists_receivables_likely_to_fall_overdue(session):
    admin = F.user(session, "admin")
    day = clock_today()
    weak = F.case(session, admin, title="屡次违约的债务人")
    F.receivable(
        session, admin, weak, "OLD-1", "80000", day - timedelta(days=300), day - timedelta(days=240)
    )
    F.receivable(
        session, admin, weak, "NEW-1", "20000", day - timedelta(days=10), day + timedelta(days=12)
    )
    fine = F.case(session, admin, title="按时付款的债务人")
    F.receivable(
        session, admin, fine, "NEW-2", "20000", day - timedelta(days=10), day + timedelta(days=12)
    )
    from legalcase.services.ledger import record_contact

    record_contact(
        session,
        admin,
        weak,
        {
            "contacted_at": _now(),
            "channel": "call",
            "summary": "对方称货物有质量问题，拒绝付款",
            "outcome": "disputed",
            "non_payment_reason": "dispute",
        },
    )
    session.commit()
    warnings = worklist.early_warnings(session, day)
    assert [w.invoice_no for w in warnings] == ["NEW-1"]
    assert warnings[0].percent >= 60
    assert any(r.feature in ("disputed", "months_overdue") for r in warnings[0].reasons)
    other = F.user(session, "collector")
    assert worklist.early_warnings(session, day, owner_id=other.id) == []  # not their cases


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC) - timedelta(hours=1)


def test_targets_and_their_achievement(session):
    admin = F.user(session, "admin")
    collector = F.user(session, "collector", name="李催收")
    month = clock_today().strftime("%Y-%m")
    targets.set_target(
        session,
        admin,
        {"user_id": str(collector.id), "month": month, "contacts": "4", "recovered": "10000"},
    )
    targets.set_target(session, admin, {"month": month, "contacts": "10"})
    session.commit()
    c = F.case(session, admin, owner=collector)
    F.receivable(session, admin, c, "T-1", "30000")
    from legalcase.services.ledger import record_contact
    from legalcase.services.receivables import record_payment

    for _ in range(2):
        record_contact(
            session,
            collector,
            c,
            {
                "contacted_at": _now(),
                "channel": "call",
                "summary": "电话催收",
                "outcome": "reached",
            },
        )
    record_payment(session, admin, c, {"paid_date": clock_today(), "amount": Decimal("5000")})
    session.commit()
    rows = {r.name: r for r in targets.month_rows(session, month)}
    mine = rows["李催收"].items
    assert (mine[0].actual, mine[0].target, mine[0].share) == (2, 4, Decimal("0.5"))
    assert (mine[2].actual, mine[2].share) == (Decimal("5000.00"), Decimal("0.5"))
    assert rows["团队"].items[0].share == Decimal("0.2")
    assert len(list(session.scalars(select(CollectorTarget)))) == 2


def test_cli_model_train(session, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    history(session, 8)
    result = CliRunner().invoke(main, ["model", "train", "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "透明规则" in result.output
    session.rollback()
    assert session.scalar(select(PropensityModel.kind)) == "rules"


def test_the_scheduled_retrain_job_trains_once_per_run(app, session):
    """The weekly schedule names the job; run twice (a redelivery), one version only."""
    from legalcase.db import db
    from legalcase.jobs import submit
    from legalcase.jobs.runner import run
    from legalcase.jobs.schedule import schedule
    from legalcase.models.jobs import Job

    assert "model.train" in {s.kind for s in schedule({})}
    history(session, 8)
    with app.app_context():
        uow = db.unit_of_work(write=True)
        uow.start()
        job = submit(uow.session, "model.train", params={"day": "2026-11-25"})
        uow.session.info["legalcase_jobs_to_send"] = []  # not sent: run by hand
        uow.commit()
        uow.close()
        assert run(app, job.id, "w1") == "done"
    session.rollback()
    done = session.get(Job, job.id)
    assert done.result["kind"] == "rules" and done.result["version"] == 1
    assert session.scalar(select(PropensityModel.version)) == 1


def test_two_trainings_at_once_get_two_versions(app, session, monkeypatch):
    """Both read the same highest version; the second to insert takes the next one."""
    import threading

    from legalcase.db import db

    history(session, 8)
    session.close()
    barrier = threading.Barrier(2)
    real = propensity.back_test

    def meet(*args, **kw):
        try:  # on SQLite the second writer waits for the first's lock before it gets here
            barrier.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass
        return real(*args, **kw)

    monkeypatch.setattr(propensity, "back_test", meet)
    errors = []

    def one():
        try:
            with app.app_context(), db.unit_of_work(write=True) as uow:
                propensity.train(uow.session, TODAY)
                uow.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    fresh = app.extensions["legalcase_db"]["sessions"]()
    assert sorted(fresh.scalars(select(PropensityModel.version))) == [1, 2]
    fresh.close()


def test_a_day_with_two_calls_one_without_a_reason_is_scored(session):
    """Two calls on one day with the same outcome, one giving a reason for not paying and
    one not: the history still reads (the demo's 工作台 failed on exactly this)."""
    from datetime import UTC, datetime

    from legalcase.services import ledger

    admin = F.user(session, "admin")
    case = F.case(session, admin, title="同日两次电话")
    due = TODAY - timedelta(days=60)
    F.receivable(session, admin, case, "TWO-CALLS", "5000", due - timedelta(days=30), due)
    at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    for reason in ("cash_flow", None):
        ledger.record_contact(
            session,
            admin,
            case,
            {"contacted_at": at, "channel": "call", "summary": "催款", "outcome": "reached"}
            | ({"non_payment_reason": reason} if reason else {}),
        )
    session.commit()
    (h,) = propensity.histories(session, [case.id]).values()
    assert [c[2] for c in h.contacts] == ["cash_flow", None]
    assert propensity.histories(session, [case.id])[case.id] == h  # the same order again
