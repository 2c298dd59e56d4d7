"""Preview values of ``content_context``'s keys (templates.sample_context): every field filled,
so that a template shows what it would print."""

from __future__ import annotations

from decimal import Decimal

from docgen.chinese import amount_in_capitals
from legalcase.domain.causes import CAUSES

from .content_context import blank


def sample_content() -> dict:
    """Preview values of this module's keys (templates.sample_context)."""
    sale = CAUSES["sale"]
    return {
        "cause": {
            "name": sale.name,
            "title": sale.title,
            "element_form": True,
            "form": sale.element_form,
            "contract_label": sale.contract_label,
            "principal_label": sale.principal_label,
            "basis": sale.basis,
        },
        "defendants": [
            {
                "role": "被告一",
                "suffix": "一",
                "identity": "示例债务人有限公司，统一社会信用代码：…",
                "note": "",
            },
            {
                "role": "被告二",
                "suffix": "二",
                "identity": "示例保证人，男，1990年3月7日出生，…",
                "note": "（保证人，连带责任保证）",
            },
        ],
        "requests": [
            {"n": 1, "text": "判令被告一示例债务人有限公司支付货款101,846.78元"},
            {"n": 2, "text": "判令被告二示例保证人对上述债务承担连带清偿责任"},
        ],
        "facts": [
            {"label": "合同的签订情况", "text": "原告与被告一于2025年1月10日签订《买卖合同》"}
        ],
        "demands": [
            {"date": "2026年3月1日", "channel": "电话", "addressee": "债务人", "arrived": ""}
        ],
        "demands_text": "2026年3月1日以电话方式向债务人催告，至今未获清偿",
        "paid_note": "已付23,456.78元，尚欠货款101,846.78元未付",
        "forum": "合同约定由上海市闵行区人民法院管辖",
        "mediation": blank("是否了解并愿意先行调解（是／否）"),
        "copies": 2,
        "payee": "开户行：中国工商银行上海示例支行，户名：示例债权人有限公司，账号：1001000000000000001",
        "preservation": {
            "requested": "否（本案未登记诉前保全）",
            "security": "保险公司出具的诉讼财产保全责任保险保函（示例保险股份有限公司）",
            "stage": "诉前",
            "basis": "《中华人民共和国民事诉讼法》第一百零四条",
            "undertaking": "申请人将在人民法院采取保全措施后三十日内依法提起诉讼或者申请仲裁。",
            "case_line": "",
            "judgment_line": "",
        },
        "instalments": [
            {
                "seq": 1,
                "due": "2026年12月24日",
                "principal": "50,000.00",
                "interest": "2,000.00",
                "amount": "52,000.00",
                "amount_cn": amount_in_capitals(Decimal("52000")),
            }
        ],
        "owner": {"name": "张伟", "phone": "021-58881234", "contact": "电话：021-58881234"},
    }
