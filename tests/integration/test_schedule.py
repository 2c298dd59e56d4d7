"""The schedule (issue 15 point 3), with a fixed clock: each run once per slot however many
schedulers tick, a missed day runs at the next start, one scheduler holds the lease, and a
job whose worker died is sent again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from legalcase.db import db
from legalcase.jobs.schedule import Scheduled, hold_lease, last_slot, requeue_stale, tick
from legalcase.models.jobs import Job, ScheduleState
from legalcase.services.clock import SHANGHAI

# 2026-11-25 09:30 in Shanghai (a Wednesday), after the daily run's 08:00
WED_0930 = datetime(2026, 11, 25, 9, 30, tzinfo=SHANGHAI)


def _jobs(session, kind: str | None = None) -> list[Job]:
    session.rollback()
    stmt = select(Job).order_by(Job.id)
    if kind:
        stmt = stmt.where(Job.kind == kind)
    return list(session.scalars(stmt))


def test_slots_daily_and_weekly():
    daily = Scheduled("daily", "daily.run", WED_0930.time().replace(hour=8, minute=0))
    assert last_slot(daily, WED_0930) == datetime(2026, 11, 25, 8, 0, tzinfo=SHANGHAI)
    early = WED_0930.replace(hour=7)
    assert last_slot(daily, early) == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)
    sunday = Scheduled("reverify", "evidence.verify", daily.at.replace(hour=3), weekday=6)
    assert last_slot(sunday, WED_0930) == datetime(2026, 11, 22, 3, 0, tzinfo=SHANGHAI)
    # a UTC clock gives the same slots
    assert last_slot(daily, WED_0930.astimezone(UTC)) == last_slot(daily, WED_0930)


MINE = ("daily", "deadlines", "reverify", "cleanup")


def test_each_run_starts_once_per_slot_and_a_missed_day_runs_at_the_next_start(
    app, session, monkeypatch
):
    from legalcase.jobs import schedule

    every = schedule.schedule
    # the runs of this stream (other streams test theirs)
    monkeypatch.setattr(schedule, "schedule", lambda c: [e for e in every(c) if e.name in MINE])
    with app.app_context():
        first = tick(app, WED_0930)
        assert sorted(first) == ["cleanup", "daily", "deadlines", "reverify"]
        assert tick(app, WED_0930 + timedelta(minutes=1)) == []  # a second scheduler
        assert tick(app, WED_0930 + timedelta(hours=3)) == []  # later the same day
    daily = _jobs(session, "daily.run")
    assert len(daily) == 1 and daily[0].status == "done"
    assert daily[0].params["day"] == "2026-11-25" and daily[0].created_by_id is None
    assert set(daily[0].result) >= {"promises", "tasks", "sent"}
    # the server was down all Thursday and comes back on Friday at 07:00, before 08:00:
    # Thursday's run happens now, and Friday's at 08:00
    friday_7 = datetime(2026, 11, 27, 7, 0, tzinfo=SHANGHAI)
    with app.app_context():
        assert "daily" in tick(app, friday_7)
        assert "daily" not in tick(app, friday_7 + timedelta(minutes=30))
        assert "daily" in tick(app, friday_7 + timedelta(hours=1, minutes=1))
    days = [j.params["day"] for j in _jobs(session, "daily.run")]
    assert days == ["2026-11-25", "2026-11-26", "2026-11-27"]
    # the weekly runs waited for the next Sunday
    assert len(_jobs(session, "evidence.verify")) == 1
    with app.app_context():
        assert "reverify" in tick(app, datetime(2026, 11, 29, 3, 5, tzinfo=SHANGHAI))
    assert len(_jobs(session, "evidence.verify")) == 2
    # that Sunday-night start also ran Saturday's missed daily run, once
    days = [j.params["day"] for j in _jobs(session, "daily.run")]
    assert days == ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"]
    session.rollback()
    kept = session.get(ScheduleState, "daily").last_slot
    assert kept == datetime(2026, 11, 28, 8, 0, tzinfo=SHANGHAI)  # in the database


def test_one_scheduler_holds_the_lease_until_it_lapses(app):
    ttl = timedelta(seconds=90)
    now = WED_0930
    with app.app_context():
        assert hold_lease("a", now, ttl)
        assert not hold_lease("b", now + timedelta(seconds=10), ttl)
        assert hold_lease("a", now + timedelta(seconds=60), ttl)  # renewed
        assert not hold_lease("b", now + timedelta(seconds=120), ttl)
        # "a" stopped renewing (killed): "b" takes over once the lease lapsed
        assert hold_lease("b", now + timedelta(seconds=151), ttl)
        assert not hold_lease("a", now + timedelta(seconds=152), ttl)


def test_a_job_whose_worker_stopped_beating_is_sent_again(app, session, monkeypatch):
    from legalcase.jobs import schedule
    from legalcase.models.base import utcnow
    from legalcase.services import jobs as job_svc

    sent = []
    monkeypatch.setattr(schedule, "send", lambda _app, job_id: sent.append(job_id))
    with app.app_context():
        with db.unit_of_work(write=True) as uow:
            alive = job_svc.create(uow.session, "temp.cleanup")
            dead = job_svc.create(uow.session, "temp.cleanup")
            uow.commit()
        now = utcnow()
        with db.unit_of_work(write=True) as uow:
            assert job_svc.start(uow.session, alive.id, "w1", timedelta(seconds=120))
            assert job_svc.start(uow.session, dead.id, "w2", timedelta(seconds=120))
            uow.session.get(Job, dead.id).heartbeat_at = now - timedelta(minutes=5)
            uow.commit()
        assert requeue_stale(app, now) == [dead.id]
        assert sent == [dead.id]
        assert requeue_stale(app, now + timedelta(seconds=30)) == []  # not again at once
    session.rollback()
    assert session.get(Job, dead.id).status == "queued"
    assert session.get(Job, alive.id).status == "running"
    assert session.scalar(select(func.count()).select_from(Job)) == 2
