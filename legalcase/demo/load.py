"""A realistic demo portfolio, built through the services so that balances and audit are real."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from legalcase.models import Creditor
from legalcase.services import cases, ledger, parties, receivables
from legalcase.services.auth import create_user
from legalcase.services.clock import SHANGHAI
from legalcase.services.clock import today as clock_today

from .facts import _court_events, _evidence
from .words import (
    CITIES,
    STREETS,
    SUMMARIES,
    TRADES,
    WORDS,
    _person,
    _resident_id,
    _uscc,
)


def load_demo(
    session: Session,
    password: str,
    n_cases: int = 48,
    seed: int = 20261123,
    storage=None,
    tmp_dir: str | None = None,
) -> int:
    """Create users, two creditors and ``n_cases`` cases; return the number of cases.

    With ``storage``, the first cases also get evidence (contract, delivery note, invoice).
    """
    rng = random.Random(seed)
    today = clock_today()
    admin = create_user(session, "admin", password, "admin", "系统管理员", "admin@example.com")
    legal = create_user(
        session, "legal", password, "legal", "陈律师", "legal@example.com", admin.id
    )
    collectors = [
        create_user(
            session, "zhangwei", password, "collector", "张伟", "zhangwei@example.com", admin.id
        ),
        create_user(session, "lina", password, "collector", "李娜", "lina@example.com", admin.id),
    ]
    create_user(
        session, "viewer", password, "viewer", "王经理（只读）", "viewer@example.com", admin.id
    )
    creditors = [
        Creditor(
            name="华东精密机械制造有限公司",
            uscc=_uscc(rng),
            address="上海市闵行区莘庄工业区申富路 88 号",
            bank_account="中国工商银行上海莘庄支行 1001 2345 6789 0123 456",
            legal_rep="周建华",
            legal_rep_title="董事长",
            phone="021-6489 2000",
            email="ar@hdjm.example.com",
            bank_name="中国工商银行上海莘庄支行",
            account_name="华东精密机械制造有限公司",
            account_number="1001234567890123456",
            letter_code="华东精机催",
        ),
        Creditor(
            name="上海恒信供应链管理有限公司",
            uscc=_uscc(rng),
            address="上海市浦东新区张江路 1200 号",
            bank_account="招商银行上海张江支行 1219 0876 5432 101",
            legal_rep="沈立新",
            legal_rep_title="执行董事",
            phone="021-5080 3000",
            email="finance@hxscm.example.com",
            bank_name="招商银行上海张江支行",
            account_name="上海恒信供应链管理有限公司",
            account_number="121908765432101",
            letter_code="恒信供应催",
        ),
    ]
    session.add_all(creditors)
    session.flush()

    stages = (
        ["pre_legal"] * 5
        + ["demand"] * 3
        + ["preservation", "litigation", "judgment", "enforcement"]
    )
    for n in range(n_cases):
        is_company = rng.random() < 0.85
        city = rng.choice(CITIES)
        if is_company:
            name = f"{city}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司"
            if n >= 16:  # keep names distinct without odd suffixes
                name = name.replace(
                    "有限公司", rng.choice(["股份有限公司", "实业有限公司", "贸易有限公司"])
                )
            debtor = parties.create_party(
                session,
                admin,
                {
                    "kind": "company",
                    "name": name,
                    "id_code": _uscc(rng),
                    "legal_rep": _person(rng),
                    "registered_address": f"{city}市{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                    "actual_address": f"{city}市{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                },
            )
        else:
            debtor = parties.create_party(
                session,
                admin,
                {
                    "kind": "person",
                    "name": _person(rng),
                    "id_code": _resident_id(rng),
                    "registered_address": f"{city}市{rng.choice(STREETS)}{rng.randint(1, 300)}弄{rng.randint(1, 40)}号",
                },
            )
        rep = debtor.legal_rep or debtor.name
        parties.add_contact(
            session,
            admin,
            debtor,
            {
                "name": rep,
                "relation": "legal_rep" if is_company else "self",
                "phone": f"13{rng.randint(100000000, 999999999)}",
                "email": f"finance{n}@example.cn" if is_company else None,
            },
        )
        if rng.random() < 0.4:
            parties.add_contact(
                session,
                admin,
                debtor,
                {
                    "name": _person(rng),
                    "relation": rng.choice(["finance", "relative", "work_site"]),
                    "phone": f"15{rng.randint(100000000, 999999999)}",
                    "address": f"{city}市{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                },
            )
        owner = rng.choice(collectors + [legal])
        creditor = creditors[n % 2]
        case = cases.open_case(
            session,
            admin,
            {
                "title": f"{debtor.name}货款纠纷",
                "creditor_id": creditor.id,
                "debtor_id": debtor.id,
                "owner_id": owner.id,
                "risk_level": rng.choice(["low", "medium", "medium", "high"]),
                "currency": "CNY",
                # every third case applies payments in the statutory order (RULES.md s.6)
                "allocation": "statutory" if n % 3 == 2 else "booked",
            },
        )
        signed = today - timedelta(days=rng.randint(200, 1100))
        guarantee = rng.random() < 0.3
        guarantor = None
        if guarantee:
            guarantor = parties.create_party(
                session,
                admin,
                {
                    "kind": "person",
                    "name": _person(rng),
                    "id_code": _resident_id(rng),
                    "registered_address": f"{city}市{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                },
            )
        total = Decimal(rng.randint(50, 3000) * 1000)
        contract = receivables.add_contract(
            session,
            admin,
            case,
            {
                "number": f"HD-{signed.year}-{n + 1:04d}",
                "kind": rng.choice(["sale", "sale", "sale", "lease"]),
                "signed_date": signed,
                "start_date": signed,
                "end_date": signed + timedelta(days=365),
                "amount": total,
                "currency": "CNY",
                "payment_terms": "货到验收合格后 60 日内付清货款",
                "late_fee_type": rng.choice(["daily_rate", "annual_rate", "none"]),
                "late_fee_rate": Decimal("0.05"),
                "governing_law": "CN",
                "dispute_resolution": "court",
                "dispute_venue": "原告所在地人民法院",
                "guarantees": (
                    [{"party_id": guarantor.id, "guarantee_type": "joint"}] if guarantor else []
                ),
            },
        )
        n_inv = rng.randint(1, 4)
        for k in range(n_inv):
            issue = signed + timedelta(days=30 + k * 45)
            due = issue + timedelta(days=60)
            if due > today + timedelta(days=30):
                due = today - timedelta(days=rng.randint(-20, 150))
                issue = min(issue, due)
            share = (total / n_inv).quantize(Decimal("0.01"))
            amount = share if k < n_inv - 1 else total - share * (n_inv - 1)
            data = {
                "invoice_no": f"{creditor.id}{n + 1:04d}{k + 1:02d}{rng.randint(1000, 9999)}",
                "contract_id": contract.id,
                "amount": amount,
                "issue_date": issue,
                "due_date": due,
            }
            if k == 0 and rng.random() < 0.2:
                half = (amount / 2).quantize(Decimal("0.01"))
                data["instalments"] = [
                    {"due_date": due, "amount": half},
                    {"due_date": due + timedelta(days=30), "amount": amount - half},
                ]
            receivables.add_receivable(session, admin, case, data)
        if rng.random() < 0.5 and case.outstanding_amount > 0:
            paid = (case.outstanding_amount * Decimal(rng.choice(["0.1", "0.2", "0.3"]))).quantize(
                Decimal("0.01")
            )
            receivables.record_payment(
                session,
                admin,
                case,
                {
                    "paid_date": today - timedelta(days=rng.randint(5, 90)),
                    "amount": paid,
                    "method": "bank",
                    "reference": f"BK{rng.randint(10**9, 10**10)}",
                },
                today=today,
            )
        contact = debtor.contacts[0]
        for _ in range(rng.randint(1, 6)):
            when = datetime.now(UTC) - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 8))
            data = {
                "contacted_at": when,
                "channel": rng.choice(["call", "call", "sms", "email", "visit"]),
                "contact_id": contact.id,
                "summary": rng.choice(SUMMARIES),
                "outcome": rng.choice(["reached", "no_answer", "promised", "disputed"]),
                "non_payment_reason": rng.choice(
                    ["cash_flow", "habit", "dispute", "business_trouble", None]
                ),
            }
            if data["channel"] in ("email", "sms") and rng.random() < 0.7:
                # a written demand; its arrival (read receipt, courier proof) restarts limitation
                data["legal_effect"] = "demand"
                arrived = when.astimezone(SHANGHAI).date() + timedelta(days=rng.choice([0, 1, 2]))
                data["arrival_date"] = min(arrived, today)
            elif data["channel"] == "visit" and rng.random() < 0.5:
                data["legal_effect"] = "acknowledgment"
                data["summary"] = "上门对账，债务人在对账单上盖章确认欠款。"
            if data["outcome"] == "promised" and case.outstanding_amount > 0:
                data["promise_amount"] = min(
                    case.outstanding_amount, Decimal(rng.randint(5, 50) * 1000)
                )
                data["promise_due_date"] = when.date() + timedelta(days=rng.choice([3, 7, 14]))
            elif data["outcome"] == "promised":  # nothing left to promise: a promise needs both
                data["outcome"] = "reached"
            ledger.record_contact(session, owner, case, data)
        target = rng.choice(stages)
        path = {
            "pre_legal": [],
            "demand": ["demand"],
            "preservation": ["demand", "preservation"],
            "litigation": ["demand", "litigation"],
            "judgment": ["demand", "litigation", "judgment"],
            "enforcement": ["demand", "litigation", "judgment", "enforcement"],
        }[target]
        reasons = {
            "demand": "逾期超过 90 天，发送律师函",
            "preservation": "发现债务人转移财产迹象，申请诉前保全",
            "litigation": "催告无果，提起诉讼",
            "judgment": "一审判决已送达",
            "enforcement": "判决生效后未履行，申请强制执行",
        }
        for stage in path:
            cases.move_stage(session, legal, case, stage, reasons[stage])
        if target in ("litigation", "judgment", "enforcement"):
            cases.update_case(
                session,
                legal,
                case,
                {
                    "forum_kind": "court",
                    "forum_name": f"{CITIES[0]}市闵行区人民法院",
                    "court": f"{CITIES[0]}市闵行区人民法院",
                    "case_number": f"（{today.year - 1}）沪0112民初{rng.randint(1000, 39999)}号",
                    "claim_amount": case.outstanding_amount or None,
                },
            )
        _court_events(session, legal, case, target, today, rng)
        if storage is not None and n < 8:
            _evidence(session, storage, legal, case, contract, creditor, debtor, tmp_dir)
    return n_cases
