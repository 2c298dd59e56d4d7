"""Evidence files and court events of the demo cases, so that checklists and deadlines are real."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from legalcase.services import court


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
