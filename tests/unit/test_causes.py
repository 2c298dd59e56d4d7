"""The cause of action and its articles follow the contract's kind (DOCUMENTS.md v2)."""

from __future__ import annotations

from legalcase.domain.causes import CAUSES, cause_for


def test_each_kind_has_its_cause_and_articles_and_none_defaults_to_sale():
    assert cause_for("sale").name == "买卖合同纠纷"
    assert "第五百九十五条、第六百二十六条、第六百二十八条" in cause_for("sale").basis
    assert cause_for("loan").name == "金融借款合同纠纷"
    assert (
        "第六百六十七条" in cause_for("loan").basis and "第六百七十六条" in cause_for("loan").basis
    )
    assert cause_for("financing").name == "融资租赁合同纠纷"
    assert "第七百三十五条、第七百五十二条" in cause_for("financing").basis
    assert cause_for("lease").name == "租赁合同纠纷"
    assert "第七百零三条、第七百二十一条、第七百二十二条" in cause_for("lease").basis
    # the element-style form for sale, financial loan and financial lease only
    assert [k for k, c in CAUSES.items() if c.element_form] == ["sale", "loan", "financing"]
    other = cause_for("consulting", "技术咨询合同")
    assert other.name == "技术咨询合同纠纷" and "六百二十六" not in other.basis
    assert cause_for(None).name == "合同纠纷" and cause_for("x", "仓储").name == "仓储合同纠纷"
    assert all("买卖" not in cause_for(k).name for k in ("loan", "financing", "lease", "service"))
