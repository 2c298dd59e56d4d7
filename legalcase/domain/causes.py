"""The cause of action (案由) and the articles a claim rests on, by the contract's kind
(DOCUMENTS.md v2 "The cause of action follows the contract's kind"). Pure: no I/O.

sale -> 买卖合同纠纷 (CC 595, 626, 628); loan (a financial institution's) -> 金融借款合同纠纷
(CC 667, 674-676); financing (融资合同, a financial lease) -> 融资租赁合同纠纷 (CC 735, 752);
lease -> 租赁合同纠纷 (CC 703, 721-722); any other kind is named from the contract
(服务合同纠纷, or "<the contract's kind>纠纷"), never defaulting to sale.
"""

from __future__ import annotations

from dataclasses import dataclass

CC = "《中华人民共和国民法典》"


@dataclass(frozen=True)
class Cause:
    name: str  # 案由
    articles: tuple[str, ...]  # CC articles, in Chinese numerals
    element_form: str  # the SPC element-style form (法〔2025〕82号), "" for a narrative complaint
    contract_label: str  # 买卖合同
    creditor_role: str  # 出卖人
    debtor_role: str  # 买受人
    principal_label: str  # what the principal is: 货款 / 借款本金 / 租金
    subject: str  # 标的物 / 借款 / 租赁物

    @property
    def basis(self) -> str:
        """The articles as cited: 《中华人民共和国民法典》第五百九十五条、第六百二十六条…"""
        return CC + "、".join(f"第{a}条" for a in self.articles)

    @property
    def title(self) -> str:
        return f"民事起诉状（{self.name}）"


GENERAL = ("五百零九", "五百七十七")  # performance in full; liability for breach

CAUSES: dict[str, Cause] = {
    "sale": Cause(
        "买卖合同纠纷",
        ("五百九十五", "六百二十六", "六百二十八", *GENERAL),
        "06",
        "买卖合同",
        "出卖人",
        "买受人",
        "货款",
        "标的物",
    ),
    "loan": Cause(
        "金融借款合同纠纷",
        ("六百六十七", "六百七十四", "六百七十五", "六百七十六"),
        "08",
        "借款合同",
        "贷款人",
        "借款人",
        "借款本金",
        "借款",
    ),
    "financing": Cause(
        "融资租赁合同纠纷",
        ("七百三十五", "七百五十二"),
        "12",
        "融资租赁合同",
        "出租人",
        "承租人",
        "租金",
        "租赁物",
    ),
    "lease": Cause(
        "租赁合同纠纷",
        ("七百零三", "七百二十一", "七百二十二"),
        "",
        "租赁合同",
        "出租人",
        "承租人",
        "租金",
        "租赁物",
    ),
    "service": Cause(
        "服务合同纠纷",
        GENERAL,
        "",
        "服务合同",
        "服务提供方",
        "服务接受方",
        "服务费",
        "服务",
    ),
}


def cause_for(kind: str | None, label: str | None = None) -> Cause:
    """The cause for a contract of ``kind``; an unlisted kind is named from the contract
    (``label``, e.g. 技术服务合同 -> 技术服务合同纠纷), or 合同纠纷 when it has no name."""
    if kind in CAUSES:
        return CAUSES[kind]
    name = (label or "").strip() or "合同"
    if not name.endswith("合同"):
        name += "合同"
    return Cause(f"{name}纠纷", GENERAL, "", name, "原告", "被告", "欠款", "合同标的")
