"""A synthetic payment history: invoices, payments, contacts, promises, disputes, court and
write-offs, week by week, from a written-down generating process (docs/synthetic-history.md).

    simulate(rng, n_cases, today)  -> plain cases (no database)
    load(conn, cases, ...)         -> inserted rows (any SQLAlchemy connection; ids after the
                                      highest already there)

The process has a hidden "health" per debtor that the model never sees; the model sees only
what a collector would: payments, promises kept and broken, contacts reached, days overdue,
amount, disputes, court. A synthetic figure is no claim about real portfolios.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text

WEEKS = 78  # 18 months of history
CENT = Decimal("0.01")


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass
class SimCase:
    health: float
    creditor: int  # 0, 1, 2
    receivables: list = field(default_factory=list)  # (issued, due, amount)
    payments: list = field(default_factory=list)  # (day, amount)
    promises: list = field(default_factory=list)  # (made, due, amount, status)
    contacts: list = field(default_factory=list)  # (day, outcome, non-payment reason)
    court_from: date | None = None
    written_off: date | None = None


def simulate(rng: random.Random, n_cases: int, today: date, weeks: int = WEEKS) -> list[SimCase]:
    """Each debtor, week by week over ``weeks`` weeks ending ``today`` (see the docs)."""
    start = today - timedelta(weeks=weeks)
    out = []
    for _ in range(n_cases):
        c = SimCase(health=rng.gauss(0, 1), creditor=rng.randrange(3))
        scale = math.exp(rng.gauss(10.3, 0.9))  # typical invoice ~30,000 yuan
        disputed_from: date | None = None
        owed: list[list] = []  # [due, left] oldest first
        open_promise: tuple[date, Decimal, bool] | None = None  # (due, amount, will keep)
        cash = 0.0  # hidden week-to-week liquidity shocks (AR(1)), unseen by the model
        for w in range(weeks):
            cash = 0.8 * cash + rng.gauss(0, 0.7)
            day = start + timedelta(weeks=w)
            if c.written_off:
                break
            # invoices: about one a month while trading (a weak debtor stops buying late on)
            trading = w < weeks - 8 or c.health > -0.5
            if trading and c.court_from is None and rng.random() < 0.23:
                amount = Decimal(str(round(scale * math.exp(rng.gauss(0, 0.4)), 2)))
                due = day + timedelta(days=rng.choice((30, 45, 60)))
                c.receivables.append((day, due, amount))
                owed.append([due, amount])
            overdue = [o for o in owed if o[0] < day]
            months = (day - overdue[0][0]).days / 30 if overdue else 0.0
            # a dispute, now and then, mostly on weak debtors; it blocks most payments
            if disputed_from is None and overdue and rng.random() < 0.004 + 0.006 * (c.health < 0):
                disputed_from = day
                c.contacts.append((day, "disputed", "dispute"))
            # the collector calls overdue debtors; reaching them depends on health
            if overdue and c.court_from is None and rng.random() < 0.45:
                reached = rng.random() < _sigmoid(0.3 + 0.9 * c.health - 0.15 * months)
                if not reached:
                    c.contacts.append((day, "no_answer", None))
                elif open_promise is None and rng.random() < 0.45:
                    keep = rng.random() < _sigmoid(0.2 + 1.1 * c.health - 0.2 * months)
                    due = day + timedelta(days=rng.randint(5, 20))
                    amount = min(sum((o[1] for o in overdue), Decimal(0)), overdue[0][1])
                    open_promise = (due, amount, keep)
                    c.contacts.append((day, "promised", "cash_flow"))
                    c.promises.append([day, due, amount, "open"])
                else:
                    c.contacts.append((day, "reached", rng.choice(("cash_flow", "habit", None))))
            # payments this week
            pay = Decimal(0)
            if open_promise and open_promise[0] < day + timedelta(days=7):
                due, amount, keep = open_promise
                c.promises[-1][3] = "kept" if keep else "broken"
                if keep:
                    pay += amount
                open_promise = None
            due_now = [o for o in owed if o[0] < day + timedelta(days=7)]
            if due_now and not pay:
                logit = -1.0 + 1.0 * c.health + cash - 0.25 * months
                logit -= 2.0 if disputed_from else 0.0
                logit -= 1.5 if c.court_from else 0.0
                if rng.random() < _sigmoid(logit):
                    share = 1 if rng.random() < 0.6 else rng.uniform(0.2, 0.8)
                    pay = (due_now[0][1] * Decimal(str(share))).quantize(CENT)
            if pay > 0:
                pay_day = day + timedelta(days=rng.randrange(7))
                if pay_day <= today:
                    c.payments.append((pay_day, pay))
                    left = pay
                    for o in owed:
                        take = min(o[1], left)
                        o[1] -= take
                        left -= take
                    owed = [o for o in owed if o[1] > 0]
            # escalation: long overdue and weak goes to court; very long, written off
            if c.court_from is None and months > 7 and rng.random() < 0.05:
                c.court_from = day
            if c.court_from and months > 14 and rng.random() < 0.05:
                c.written_off = day
        out.append(c)
    return out


def _next_ids(conn, tables) -> dict[str, int]:
    return {t.name: (conn.execute(select(func.max(t.c.id))).scalar() or 0) + 1 for t in tables}


def load(
    conn, cases: list[SimCase], creditor_ids: list[int], owner_ids: list[int], recorder_id: int
) -> list[int]:
    """Insert ``cases`` (debtors, cases, receivables, payments with their allocations, earliest
    due first, promises, ledger entries, stage changes) with each case's stored figures;
    returns the new case ids."""
    from legalcase.domain.identity import uscc_check_char
    from legalcase.models import (
        Case,
        LedgerEntry,
        Party,
        Payment,
        PaymentAllocation,
        Promise,
        Receivable,
        StageChange,
    )

    tabs = [m.__table__ for m in (Party, Case, Receivable, Payment, PaymentAllocation)]
    tabs += [LedgerEntry.__table__]
    ids = _next_ids(conn, tabs)
    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now}
    rows: dict[str, list] = {k: [] for k in ("p", "c", "r", "pay", "a", "pr", "le", "sc")}
    out = []
    for n, c in enumerate(cases):
        pid, cid = ids["parties"] + n, ids["cases"] + n
        out.append(cid)
        body = f"9144{pid:013d}"
        rows["p"].append(
            {
                "id": pid,
                "kind": "company",
                "name": f"模拟债务人{pid:06d}有限公司",
                "id_code": body + uscc_check_char(body),
                **stamp,
            }
        )
        creditor = creditor_ids[c.creditor % len(creditor_ids)]
        owner = owner_ids[n % len(owner_ids)]
        recs = []
        for issued, due, amount in c.receivables:
            rid = ids["receivables"]
            ids["receivables"] += 1
            recs.append([rid, due, amount, Decimal(0)])
            rows["r"].append(
                {
                    "id": rid,
                    "case_id": cid,
                    "creditor_id": creditor,
                    "invoice_no": f"SIM{rid:08d}",
                    "amount": amount,
                    "currency": "CNY",
                    "issue_date": issued,
                    "due_date": due,
                    "paid_amount": Decimal(0),
                    "paid_before_import": Decimal(0),
                    **stamp,
                }
            )
        for day, amount in c.payments:
            pay_id = ids["payments"]
            ids["payments"] += 1
            rows["pay"].append(
                {
                    "id": pay_id,
                    "case_id": cid,
                    "paid_date": day,
                    "amount": amount,
                    "currency": "CNY",
                    "method": "transfer",
                    "recorded_by_id": recorder_id,
                    "created_at": now,
                }
            )
            left = amount
            for r in recs:
                take = min(r[2] - r[3], left)
                if take > 0:
                    r[3] += take
                    left -= take
                    rows["a"].append(
                        {
                            "id": ids["payment_allocations"],
                            "payment_id": pay_id,
                            "receivable_id": r[0],
                            "amount": take,
                        }
                    )
                    ids["payment_allocations"] += 1
        for row, r in zip(rows["r"][len(rows["r"]) - len(recs) :], recs, strict=True):
            row["paid_amount"] = r[3]
        principal = sum((r[2] for r in recs), Decimal(0))
        paid = sum((r[3] for r in recs), Decimal(0))
        unpaid = [r[1] for r in recs if r[3] < r[2]]
        stage = "pre_legal"
        if c.court_from:
            stage = "litigation"
            rows["sc"].append(
                {
                    "case_id": cid,
                    "from_stage": "pre_legal",
                    "to_stage": stage,
                    "user_id": recorder_id,
                    "reason": "起诉",
                    "changed_at": datetime.combine(c.court_from, time(2), UTC),
                }
            )
        if c.written_off:
            rows["sc"].append(
                {
                    "case_id": cid,
                    "from_stage": stage,
                    "to_stage": "closed_written_off",
                    "user_id": recorder_id,
                    "reason": "核销",
                    "changed_at": datetime.combine(c.written_off, time(2), UTC),
                }
            )
            stage = "closed_written_off"
        rows["c"].append(
            {
                "id": cid,
                "creditor_id": creditor,
                "debtor_id": pid,
                "owner_id": owner,
                "title": f"模拟债务人{pid:06d}货款催收",
                "stage": stage,
                "risk_level": "medium",
                "currency": "CNY",
                "principal_amount": principal,
                "paid_amount": paid,
                "outstanding_amount": principal - paid,
                "oldest_unpaid_due_date": min(unpaid) if unpaid else None,
                "allocation": "booked",
                **stamp,
            }
        )
        for made, due, amount, status in c.promises:
            lid = ids["ledger_entries"]
            ids["ledger_entries"] += 1
            rows["le"].append(_entry(lid, cid, owner, made, "promised", "cash_flow", stamp))
            rows["pr"].append(
                {
                    "case_id": cid,
                    "ledger_entry_id": lid,
                    "amount": amount,
                    "made_date": made,
                    "due_date": due,
                    "status": status,
                    **stamp,
                }
            )
        for day, outcome, why in c.contacts:
            if outcome == "promised":
                continue  # written with its promise
            lid = ids["ledger_entries"]
            ids["ledger_entries"] += 1
            rows["le"].append(_entry(lid, cid, owner, day, outcome, why, stamp))
    for table, key in (
        (Party, "p"),
        (Case, "c"),
        (Receivable, "r"),
        (Payment, "pay"),
        (PaymentAllocation, "a"),
        (LedgerEntry, "le"),
        (Promise, "pr"),
        (StageChange, "sc"),
    ):
        for i in range(0, len(rows[key]), 5000):
            if rows[key][i : i + 5000]:
                conn.execute(insert(table.__table__), rows[key][i : i + 5000])
    if conn.dialect.name == "postgresql":
        for t in (
            "parties",
            "cases",
            "receivables",
            "payments",
            "payment_allocations",
            "ledger_entries",
        ):
            conn.execute(text(f"SELECT setval('{t}_id_seq', (SELECT max(id) FROM {t}))"))
    return out


def _entry(lid, cid, owner, day, outcome, why, stamp) -> dict:
    texts = {
        "promised": "电话联系，对方承诺还款",
        "reached": "电话联系上财务",
        "no_answer": "电话无人接听",
        "disputed": "对方对货款有异议",
    }
    return {
        "id": lid,
        "case_id": cid,
        "user_id": owner,
        "contacted_at": datetime.combine(day, time(2), UTC),
        "channel": "call",
        "summary": texts[outcome],
        "outcome": outcome,
        "non_payment_reason": why,
        "legal_effect": "none",
        "addressee": "debtor",
        **stamp,
    }
