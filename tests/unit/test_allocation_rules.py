"""The allocation matcher (pure): conditions, priority, capacity, least-loaded choice."""

from __future__ import annotations

from decimal import Decimal

from legalcase.domain.aging import Tier
from legalcase.domain.allocation import CaseFacts, Collector, Rule, allocate, matches, region_names

SUZHOU = "苏州市工业园区星湖街 328 号"
HANGZHOU = "浙江省杭州市西湖区文三路 90 号"


def _case(i, creditor=1, amount="10000", tier=Tier.D1_30, address=SUZHOU):
    return CaseFacts(i, creditor, Decimal(amount), tier, address)


def test_region_names_drop_the_province_and_city_suffixes():
    assert region_names("浙江省、杭州市 上海，广西壮族自治区;新疆维吾尔自治区") == (
        "浙江",
        "杭州",
        "上海",
        "广西",
        "新疆",
    )
    assert region_names(None) == () and region_names("  ") == ()


def test_every_condition_given_must_hold():
    rule = Rule(
        1,
        "浙江大额",
        (7,),
        creditor_id=1,
        tiers=frozenset({"61-90", "90+"}),
        min_amount=Decimal("100000"),
        max_amount=Decimal("500000"),
        regions=("浙江",),
    )
    ok = _case(1, amount="100000", tier=Tier.D90_PLUS, address=HANGZHOU)
    assert matches(rule, ok)
    assert not matches(rule, _case(1, amount="500000", tier=Tier.D90_PLUS, address=HANGZHOU))
    assert not matches(rule, _case(1, amount="99999.99", tier=Tier.D90_PLUS, address=HANGZHOU))
    assert not matches(
        rule, _case(1, creditor=2, amount="200000", tier=Tier.D90_PLUS, address=HANGZHOU)
    )
    assert not matches(rule, _case(1, amount="200000", tier=Tier.D1_30, address=HANGZHOU))
    assert not matches(rule, _case(1, amount="200000", tier=Tier.D90_PLUS, address=SUZHOU))
    assert matches(Rule(2, "全部", (7,)), _case(3, address=""))


def test_first_rule_with_room_wins_and_the_least_loaded_collector_takes_it():
    rules = [
        Rule(1, "华东", (10,), creditor_id=1),
        Rule(2, "团队", (20, 21, 22)),
    ]
    collectors = {
        10: Collector(10, open_cases=0, capacity=1),
        20: Collector(20, open_cases=3),
        21: Collector(21, open_cases=1),
        22: Collector(22, open_cases=1, creditor_scope=frozenset({2})),
    }
    out = allocate(rules, [_case(1), _case(2), _case(3), _case(4, creditor=2)], collectors)
    assert [(p.case_id, p.collector_id, p.rule.name) for p in out] == [
        (1, 10, "华东"),  # the first rule
        (2, 21, "团队"),  # 10 is full: the next matching rule; 22 may not see creditor 1
        (3, 21, "团队"),  # 21 has 2 now, 20 has 3: still 21
        (4, 22, "团队"),  # creditor 2, which 22 may see: 22 has the fewest
    ]


def test_a_case_no_rule_can_place_is_reported():
    full = {5: Collector(5, open_cases=2, capacity=2), 6: Collector(6, 0, is_active=False)}
    out = allocate([Rule(1, "满额", (5, 6))], [_case(1)], full)
    assert out[0].collector_id is None and "已满额" in out[0].why_not
    out = allocate([Rule(1, "华西", (5,), creditor_id=9)], [_case(1)], full)
    assert out[0].why_not == "没有匹配的分案规则"
