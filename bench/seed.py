"""Seed a benchmark portfolio: 10,000 cases, 100,000 receivables, 300,000 ledger entries.

    python bench/seed.py DATABASE_URL [--cases 10000]

The database is migrated and emptied first. One case (the first) gets exactly 200 ledger
entries for the case-page benchmark. Prints the seeding time.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import create_engine, insert, text
from werkzeug.security import generate_password_hash

from legalcase.domain.identity import uscc_check_char
from legalcase.domain.values import (
    Addressee,
    AssetKind,
    Channel,
    ContractKind,
    CourtEventKind,
    DisputeKind,
    Jurisdiction,
    LateFeeType,
    LegalEffect,
    NonPaymentReason,
    Outcome,
    PartyKind,
    PromiseStatus,
    Relation,
    RiskLevel,
    Role,
    Stage,
)
from legalcase.migrate import downgrade, upgrade
from legalcase.models import (
    Case,
    Contact,
    Contract,
    Creditor,
    LedgerEntry,
    Party,
    Promise,
    Receivable,
    StageChange,
    User,
)

PASSWORD = "bench-pass-1"
STAGES = (
    [Stage.PRE_LEGAL] * 5
    + [Stage.DEMAND] * 2
    + [Stage.PRESERVATION, Stage.LITIGATION, Stage.JUDGMENT, Stage.ENFORCEMENT]
)


def _batched(engine, table, rows, size=20_000):
    with engine.begin() as conn:
        for i in range(0, len(rows), size):
            conn.execute(insert(table), rows[i : i + size])


def seed(
    url: str,
    n_cases: int = 10_000,
    per_case_receivables: int = 10,
    per_case_ledger: int = 30,
    history: int = 0,
) -> float:
    """``history``: that many more cases with a simulated payment history (bench/history.py,
    docs/synthetic-history.md) for the propensity model, owned by the collectors."""
    downgrade(url, "base")
    upgrade(url)
    engine = create_engine(url)
    rng = random.Random(7)
    now = datetime.now(UTC)
    today = date.today()
    started = time.perf_counter()

    pw = generate_password_hash(PASSWORD)
    users = [
        {
            "id": i + 1,
            "username": name,
            "display_name": name,
            "role": role,
            "password_hash": pw,
            "is_active": True,
            "created_at": now,
            "updated_at": now,
        }
        for i, (name, role) in enumerate(
            [("admin", Role.ADMIN), ("legal", Role.LEGAL)]
            + [(f"collector{k}", Role.COLLECTOR) for k in range(8)]
        )
    ]
    _batched(engine, User.__table__, users)
    _batched(
        engine,
        Creditor.__table__,
        [
            {"id": 1, "name": "华东精密机械制造有限公司", "created_at": now, "updated_at": now},
            {"id": 2, "name": "上海恒信供应链管理有限公司", "created_at": now, "updated_at": now},
        ],
    )

    parties, contacts, cases, contracts, receivables, ledger, promises, changes, court = (
        [] for _ in range(9)
    )
    rid = 0
    lid = 0
    for c in range(1, n_cases + 1):
        body = f"91310{c:012d}"
        parties.append(
            {
                "id": c,
                "kind": PartyKind.COMPANY,
                "name": f"测试债务人{c:05d}有限公司",
                "id_code": body + uscc_check_char(body),
                "legal_rep": "王强",
                "registered_address": "上海市闵行区申富路 88 号",
                "created_at": now,
                "updated_at": now,
            }
        )
        contacts.append(
            {
                "id": c,
                "party_id": c,
                "name": "王强",
                "relation": Relation.LEGAL_REP,
                "phone": "13800000000",
                "created_at": now,
                "updated_at": now,
            }
        )
        contracts.append(
            {
                "id": c,
                "case_id": c,
                "number": f"HT-{c:05d}",
                "kind": ContractKind.SALE,
                "signed_date": today - timedelta(days=900),
                "amount": Decimal(10**6),
                "currency": "CNY",
                "late_fee_type": LateFeeType.NONE,
                "governing_law": Jurisdiction.CN,
                "dispute_resolution": DisputeKind.COURT,
                "created_at": now,
                "updated_at": now,
            }
        )
        principal = paid_total = Decimal(0)
        oldest = None
        for _ in range(per_case_receivables):
            rid += 1
            due = today - timedelta(days=rng.randint(-30, 700))
            amount = Decimal(rng.randint(1000, 200_000))
            paid = amount if rng.random() < 0.3 else Decimal(0)
            principal += amount
            paid_total += paid
            if paid < amount and (oldest is None or due < oldest):
                oldest = due
            receivables.append(
                {
                    "id": rid,
                    "case_id": c,
                    "creditor_id": 1 + c % 2,
                    "contract_id": c,
                    "invoice_no": f"FP{rid:07d}",
                    "amount": amount,
                    "currency": "CNY",
                    "issue_date": due - timedelta(days=60),
                    "due_date": due,
                    "paid_amount": paid,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        n_entries = 200 if c == 1 else per_case_ledger
        for k in range(n_entries):
            lid += 1
            at = now - timedelta(hours=lid % 5000 + k)
            ledger.append(
                {
                    "id": lid,
                    "case_id": c,
                    "user_id": 3 + c % 8,
                    "contacted_at": at,
                    "channel": Channel.CALL,
                    "contact_id": c,
                    "summary": "电话催收，对方称资金紧张，承诺尽快付款。",
                    "outcome": Outcome.PROMISED if k % 10 == 0 else Outcome.REACHED,
                    "non_payment_reason": NonPaymentReason.CASH_FLOW,
                    # every tenth entry is a letter that arrived (a demand), every 15th an acknowledgment
                    "legal_effect": LegalEffect.DEMAND
                    if k % 10 == 5
                    else (LegalEffect.ACKNOWLEDGMENT if k % 15 == 7 else LegalEffect.NONE),
                    "addressee": Addressee.DEBTOR,
                    "arrival_date": (at + timedelta(days=3)).date() if k % 10 == 5 else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if k % 10 == 0:
                promises.append(
                    {
                        "case_id": c,
                        "ledger_entry_id": lid,
                        "amount": Decimal(5000),
                        "made_date": at.date(),
                        "due_date": at.date() + timedelta(days=7),
                        "status": PromiseStatus.BROKEN,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        stage = STAGES[c % len(STAGES)]
        filed = today - timedelta(days=rng.randint(100, 600))
        base_event = {
            "case_id": c,
            "user_id": 2,
            "created_at": now,
            "updated_at": now,
            "is_foreign_party": False,
            "is_pre_suit": False,
        }
        if stage in (Stage.LITIGATION, Stage.JUDGMENT, Stage.ENFORCEMENT):
            court.append({**base_event, "kind": CourtEventKind.FILING, "event_date": filed})
        if stage in (Stage.JUDGMENT, Stage.ENFORCEMENT):
            served = filed + timedelta(days=90)
            court.append(
                {
                    **base_event,
                    "kind": CourtEventKind.JUDGMENT,
                    "served_date": served,
                    "performance_due": served + timedelta(days=30),
                }
            )
        if stage == Stage.PRESERVATION:
            court.append(
                {
                    **base_event,
                    "kind": CourtEventKind.PRESERVATION,
                    "event_date": filed,
                    "is_pre_suit": True,
                    "asset_kind": AssetKind.BANK_DEPOSIT,
                }
            )
        cases.append(
            {
                "id": c,
                "creditor_id": 1 + c % 2,
                "debtor_id": c,
                "owner_id": 3 + c % 8,
                "title": f"测试债务人{c:05d}货款纠纷",
                "stage": stage,
                "risk_level": RiskLevel.MEDIUM,
                "currency": "CNY",
                "principal_amount": principal,
                "paid_amount": paid_total,
                "outstanding_amount": principal - paid_total,
                "oldest_unpaid_due_date": oldest,
                "created_at": now,
                "updated_at": now,
            }
        )
        changes.append(
            {
                "case_id": c,
                "from_stage": None,
                "to_stage": stage,
                "user_id": 1,
                "reason": "导入",
                "changed_at": now,
            }
        )

    for table, rows in [
        (Party, parties),
        (Contact, contacts),
        (Case, cases),
        (Contract, contracts),
        (Receivable, receivables),
        (LedgerEntry, ledger),
        (Promise, promises),
        (StageChange, changes),
    ]:
        _batched(engine, table.__table__, rows)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in (
                "users",
                "creditors",
                "parties",
                "contacts",
                "cases",
                "contracts",
                "receivables",
                "ledger_entries",
            ):
                conn.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    if history:
        from bench.history import load, simulate

        with engine.begin() as conn:
            load(conn, simulate(random.Random(11), history, today), [1, 2], list(range(3, 11)), 1)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--history", type=int, default=0, help="cases with a simulated history")
    args = ap.parse_args()
    secs = seed(args.url, args.cases, history=args.history)
    print(
        f"seeded {args.cases} cases, {args.cases * 10} receivables, {args.cases * 30 + 170} ledger entries "
        f"in {secs:.1f} s"
    )
