"""Allocation (分案) by rules: new cases go to collectors by creditor, amount and region
within each collector's capacity, every assignment is logged, and concurrent runs never give
one case twice nor fill a collector past capacity."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import func, select

from legalcase.cli import main
from legalcase.db import db
from legalcase.domain.stages import CLOSED
from legalcase.models import AllocationLog, AllocationRule, Case, CollectorCapacity, Task
from legalcase.models.base import utcnow
from legalcase.services import allocation as svc
from legalcase.services import allocation_rules as rules_svc
from legalcase.services.clock import today
from tests import factories as F

ZHEJIANG = "浙江省杭州市西湖区文三路 90 号"


def _rule(session, admin, name, members, priority=100, **conditions):
    data = {"name": name, "priority": priority, "member_ids": [m.id for m in members]}
    rule = rules_svc.create_rule(session, admin, {**data, **conditions, "is_active": True})
    session.commit()
    return rule


def _capacity(session, admin, user, n):
    rules_svc.set_capacity(session, admin, user.id, n)
    session.commit()


def _new_case(session, admin, cred, amount="10000.00", address=None, title="货款纠纷"):
    debtor = F.debtor(session, admin)
    if address:
        debtor.registered_address = address
        session.commit()
    case = F.case(session, admin, owner=admin, debtor_party=debtor, cred=cred, title=title)
    F.receivable(session, admin, case, invoice_no=f"INV-{case.id}", amount=amount)
    return case


def _owners(session, cases) -> dict[str, str]:
    session.rollback()
    session.expire_all()  # what another process committed, even after our own commit
    return {c.title: session.get(Case, c.id).owner.display_name for c in cases}


def _cli(database_url, tmp_path, monkeypatch, *args):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    monkeypatch.setenv("LEGALCASE_OPERATOR", "运维值班")
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_rules_by_creditor_amount_and_region_within_capacity(
    session, database_url, tmp_path, monkeypatch
):
    admin = F.user(session, "admin", name="管理员")
    wang = F.user(session, "collector", name="王芳")
    zhao = F.user(session, "collector", name="赵磊")
    qian = F.user(session, "collector", name="钱敏")
    sun = F.user(session, "collector", name="孙浩")
    east, west = F.creditor(session, "华东公司"), F.creditor(session, "华西公司")
    _rule(session, admin, "华东公司专办", [wang], priority=10, creditor_id=east.id)
    _rule(session, admin, "大额", [zhao], priority=20, min_amount=Decimal("500000"))
    _rule(session, admin, "浙江片区", [qian, sun], priority=30, regions="浙江省")
    _capacity(session, admin, wang, 1)
    _capacity(session, admin, qian, 1)
    # 钱敏 is full already: her one open case (a collector's own case is not waiting)
    F.case(session, admin, owner=qian, cred=west, title="钱敏原有案件")
    cases = [
        _new_case(session, admin, east, title="华东一"),
        _new_case(session, admin, east, title="华东二"),  # 王芳 full, no other rule: stays
        _new_case(session, admin, west, amount="600000.00", title="大额案"),
        _new_case(session, admin, west, address=ZHEJIANG, title="杭州案"),
        _new_case(session, admin, west, title="苏州案"),  # no rule matches
    ]
    # the first case's open task follows it to its collector
    session.add(
        Task(
            case_id=cases[0].id,
            assignee_id=admin.id,
            reason_key="overdue30",
            title="提醒",
            reason="逾期",
            due_date=today(),
            created_at=utcnow(),
        )
    )
    session.commit()

    r = _cli(database_url, tmp_path, monkeypatch, "allocate", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "将分配 3 件，未能分配 2 件" in r.output
    assert set(_owners(session, cases).values()) == {"管理员"}  # a dry run keeps nothing

    r = _cli(database_url, tmp_path, monkeypatch, "allocate")
    assert r.exit_code == 0, r.output
    assert f"#{cases[0].id}\t华东一\t→ 王芳\t（规则：华东公司专办）" in r.output
    assert "华东二\t未分配：匹配规则的催收员已满额或无权查看该债权主体" in r.output
    assert "苏州案\t未分配：没有匹配的分案规则" in r.output
    assert "已分配 3 件，未能分配 2 件" in r.output
    assert _owners(session, cases) == {
        "华东一": "王芳",
        "华东二": "管理员",
        "大额案": "赵磊",
        "杭州案": "孙浩",  # 钱敏 is at her capacity: skipped for the rule's other collector
        "苏州案": "管理员",
    }
    assert session.scalar(select(Task.assignee_id).where(Task.case_id == cases[0].id)) == wang.id
    log = session.scalars(select(AllocationLog).order_by(AllocationLog.case_id)).all()
    assert [(e.case_id, e.to_user_id, e.rule_name) for e in log] == [
        (cases[0].id, wang.id, "华东公司专办"),
        (cases[2].id, zhao.id, "大额"),
        (cases[3].id, sun.id, "浙江片区"),
    ]
    assert {(e.method, e.from_user_id, e.by_user_id, e.operator) for e in log} == {
        ("rule", admin.id, None, "运维值班")
    }

    # a second run gives nothing twice; more room for 王芳 places the case left over
    r = _cli(database_url, tmp_path, monkeypatch, "allocate")
    assert "已分配 0 件，未能分配 2 件" in r.output
    _capacity(session, admin, wang, 2)
    r = _cli(database_url, tmp_path, monkeypatch, "allocate")
    assert "已分配 1 件" in r.output and _owners(session, cases)["华东二"] == "王芳"
    assert session.scalar(select(func.count(AllocationLog.id))) == 4


def test_a_deactivated_collectors_cases_wait_and_a_disabled_rule_is_not_used(session):
    admin = F.user(session, "admin")
    gone = F.user(session, "collector", name="已离职")
    heir = F.user(session, "collector", name="接手人")
    c = F.case(session, admin, owner=gone)
    rule = _rule(session, admin, "全部", [heir])
    gone.is_active = False
    session.commit()
    assert svc.waiting_case_ids(session) == [c.id]
    rules_svc.update_rule(
        session, admin, rule.id, {"name": "全部", "member_ids": [heir.id], "is_active": False}
    )
    assert svc.run_rules(session, admin, today()).given == []
    session.get(AllocationRule, rule.id).is_active = True
    result = svc.run_rules(session, admin, today())
    assert [(e.case_id, e.to_user_id) for e in result.given] == [(c.id, heir.id)]
    session.commit()
    assert svc.waiting_case_ids(session) == []


def _run_in_thread(app, barrier, errors):
    with app.app_context():
        barrier.wait()
        try:
            with db.unit_of_work(write=True) as uow:
                svc.run_rules(uow.session, None, today())
                uow.commit()
        except Exception as exc:  # reported by the test
            errors.append(repr(exc))


def _assign_in_thread(app, barrier, errors, actor_id, case_ids, target_id):
    from legalcase.domain.errors import DomainError
    from legalcase.models import User

    with app.app_context():
        barrier.wait()
        try:
            with db.unit_of_work(write=True) as uow:
                actor = uow.session.get(User, actor_id)
                svc.assign_cases(uow.session, actor, case_ids, target_id)
                uow.commit()
        except DomainError:  # over capacity: refused as a whole, which is fine
            pass
        except Exception as exc:
            errors.append(repr(exc))


def test_concurrent_runs_never_assign_a_case_twice_nor_exceed_capacity(app, session):
    admin = F.user(session, "admin")
    team = [F.user(session, "collector", name=f"催收{i}") for i in range(3)]
    cred = F.creditor(session)
    _rule(session, admin, "全部", team)
    for person in team:
        _capacity(session, admin, person, 4)
    cases = [F.case(session, admin, owner=admin, cred=cred, title=f"案{i}") for i in range(16)]
    session.commit()
    session.close()

    threads, errors = [], []
    barrier = threading.Barrier(6)
    for _ in range(4):
        threads.append(threading.Thread(target=_run_in_thread, args=(app, barrier, errors)))
    # two hand allocations to the first collector at the same time, from the other end
    for chunk in ([c.id for c in cases[-3:]], [c.id for c in cases[-6:-3]]):
        threads.append(
            threading.Thread(
                target=_assign_in_thread,
                args=(app, barrier, errors, admin.id, chunk, team[0].id),
            )
        )
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    session.rollback()
    closed = [s.value for s in CLOSED]
    owned = Counter(session.scalars(select(Case.owner_id).where(Case.stage.not_in(closed))).all())
    assert all(owned[p.id] <= 4 for p in team), owned
    assert sum(owned[p.id] for p in team) == 12  # every place filled, no more
    per_case = Counter(session.scalars(select(AllocationLog.case_id)).all())
    assert max(per_case.values()) == 1  # no case given twice
    assert sum(per_case.values()) == 12
    assert session.scalar(select(func.count()).select_from(CollectorCapacity)) == 3
