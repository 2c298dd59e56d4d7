"""A realistic demo portfolio, built through the services so that balances and audit are real."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from legalcase.domain.identity import USCC_CHARS, id_check_char, uscc_check_char
from legalcase.models import Creditor
from legalcase.services import cases, court, ledger, parties, receivables
from legalcase.services.auth import create_user
from legalcase.services.clock import SHANGHAI
from legalcase.services.clock import today as clock_today

CITIES = [
    "上海",
    "苏州",
    "杭州",
    "宁波",
    "无锡",
    "南京",
    "合肥",
    "广州",
    "深圳",
    "佛山",
    "东莞",
    "成都",
    "武汉",
    "天津",
]
WORDS = [
    "恒达",
    "宏运",
    "鑫源",
    "华泰",
    "博远",
    "金桥",
    "瑞丰",
    "信诚",
    "永盛",
    "启航",
    "嘉禾",
    "中联",
    "天成",
    "汇通",
    "龙腾",
    "新锐",
]
TRADES = [
    "机电设备",
    "建材",
    "电子科技",
    "物流",
    "包装材料",
    "汽车配件",
    "化工",
    "食品",
    "五金制品",
    "工程",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "霞",
]
STREETS = [
    "人民路",
    "中山路",
    "建设大道",
    "解放路",
    "工业园区星湖街",
    "科技园南区",
    "滨江大道",
    "长江路",
]
SUMMARIES = [
    "电话联系财务负责人，称本月资金紧张，承诺尽快安排付款。",
    "对方称货物部分批次存在质量问题，需核对验收记录。",
    "法定代表人未接电话，已发送短信提醒付款。",
    "上门拜访，对方承认欠款，请求分期偿还。",
    "邮件发送对账单，请对方盖章确认后回传。",
    "对方表示上游客户回款延迟，下周给出还款计划。",
]


def _uscc(rng: random.Random) -> str:
    body = (
        "91"
        + f"{rng.randint(110000, 659000)}"
        + "".join(rng.choice(USCC_CHARS[:10]) for _ in range(9))
    )
    return body + uscc_check_char(body)


def _resident_id(rng: random.Random) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randint(0, 12000))
    body = f"{rng.randint(110101, 650000)}{born:%Y%m%d}{rng.randint(100, 999)}"
    return body + id_check_char(body)


def _person(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
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
        ),
        Creditor(
            name="上海恒信供应链管理有限公司",
            uscc=_uscc(rng),
            address="上海市浦东新区张江路 1200 号",
            bank_account="招商银行上海张江支行 1219 0876 5432 101",
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
                "guarantee_type": "joint" if guarantee else "none",
                "guarantor_id": guarantor.id if guarantor else None,
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
                    "case_number": f"（{today.year - 1}）沪0112民初{rng.randint(1000, 39999)}号",
                    "claim_amount": case.outstanding_amount or None,
                },
            )
        _court_events(session, legal, case, target, today, rng)
        if storage is not None and n < 8:
            _evidence(session, storage, legal, case, contract, creditor, debtor, tmp_dir)
    return n_cases


def _evidence(session, storage, actor, case, contract, creditor, debtor, tmp_dir) -> None:
    import io

    from legalcase.services import evidence

    from .documents import demo_pdf

    docs = [
        (
            "contract",
            f"买卖合同（{contract.number}）",
            [
                f"甲方（卖方）：{creditor.name}",
                f"乙方（买方）：{debtor.name}",
                f"合同编号：{contract.number}　签订日期：{contract.signed_date}",
                f"合同金额：人民币 {contract.amount:,.2f} 元",
                "付款方式：货到验收合格后 60 日内付清货款",
                "逾期付款的，按日万分之五支付逾期付款违约金。",
                "争议解决：向原告所在地人民法院起诉。",
            ],
        ),
        (
            "delivery",
            "送货单及验收确认",
            [
                f"收货单位：{debtor.name}",
                "货物已于约定日期送达并验收合格。",
                "收货人签字：＿＿＿＿　日期：＿＿＿＿",
            ],
        ),
        (
            "invoice",
            "增值税专用发票（复印件）",
            [
                f"购买方：{debtor.name}",
                f"销售方：{creditor.name}",
                f"价税合计：人民币 {contract.amount:,.2f} 元",
            ],
        ),
    ]
    for kind, title, lines in docs:
        evidence.add_evidence(
            session,
            storage,
            actor,
            case,
            io.BytesIO(demo_pdf(title, lines)),
            f"{title}.pdf",
            {
                "kind": kind,
                "title": title,
                "source": f"{creditor.name}保存",
                "purpose": "证明双方买卖合同关系及交货、开票事实",
                "is_original": kind == "contract",
            },
            tmp_dir=tmp_dir,
            max_bytes=10 * 2**20,
        )


def _court_events(
    session: Session, actor, case, target: str, today: date, rng: random.Random
) -> None:
    """The procedural facts a case at ``target`` would have, so that its deadlines are real."""
    filed = today - timedelta(days=rng.randint(120, 400))
    if target == "preservation":
        court.add_court_event(
            session,
            actor,
            case,
            {
                "kind": "preservation",
                "event_date": today - timedelta(days=rng.randint(3, 25)),
                "is_pre_suit": True,
                "asset_kind": "bank_deposit",
                "court_name": "上海市闵行区人民法院",
            },
        )
    if target in ("litigation", "judgment", "enforcement"):
        court.add_court_event(
            session,
            actor,
            case,
            {"kind": "filing", "event_date": filed, "court_name": "上海市闵行区人民法院"},
        )
        court.add_court_event(
            session,
            actor,
            case,
            {
                "kind": "preservation",
                "event_date": filed + timedelta(days=10),
                "is_pre_suit": False,
                "asset_kind": rng.choice(["bank_deposit", "real_estate"]),
            },
        )
    if target in ("judgment", "enforcement"):
        served = filed + timedelta(days=rng.randint(60, 100))
        court.add_court_event(
            session,
            actor,
            case,
            {
                "kind": "judgment",
                "served_date": served,
                "performance_due": served + timedelta(days=25),
                "court_name": "上海市闵行区人民法院",
                "document_number": case.case_number,
            },
        )
