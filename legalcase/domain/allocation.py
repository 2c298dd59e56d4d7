"""Allocation (分案): which collector a case waiting for one should go to. Pure.

Rules are tried in priority order (lower number first, then the older rule). A rule matches
a case when every condition it sets holds (a blank condition matches every case):

- creditor: the case's creditor is the rule's;
- tiers: the case's aging tier (``aging.Tier``, from its oldest unpaid due date) is one of them;
- amount band: ``min_amount <= outstanding < max_amount`` (so bands 0-10万, 10万-50万 do
  not overlap);
- regions: one of the rule's province or city names occurs in the debtor's address
  (registered or actual); "浙江省", "浙江" and "浙江省杭州市" are read alike: the 省/市/
  自治区 suffix of a name is dropped before looking for it.

The first matching rule with a collector that can take the case wins: a collector can take
it when they are active, may see the case's creditor (creditor scope) and own fewer open
cases than their capacity (no capacity: no limit). A matching rule whose collectors are all
full (or may not see the creditor) is passed over for the next matching rule; a case no rule
can place stays where it is and is reported.

Among a rule's collectors the case goes to the least loaded one (fewest open cases, then
the lowest user id). Least-loaded rather than round-robin: it needs no stored pointer that
concurrent runs would fight over, it gives the same answer however the run is split, and it
evens out collectors who start with different loads (a newcomer fills up first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .aging import Tier

# Longest first: "维吾尔自治区" before "自治区", "特别行政区" before "区".
_SUFFIXES = (
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
)
_SPLIT = re.compile(r"[\s,，、;；/]+")


MAX_BULK = 500  # cases given in one bulk assignment


class Method:
    RULE = "rule"
    MANUAL = "manual"


METHOD_LABELS = {Method.RULE: "按规则", Method.MANUAL: "手工分配"}


def region_names(text: str | None) -> tuple[str, ...]:
    """'浙江省、杭州市 上海' -> ('浙江', '杭州', '上海'): the names to look for in an address."""
    out: list[str] = []
    for part in _SPLIT.split(text or ""):
        name = part.strip()
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                name = name[: -len(suffix)]
                break
        if name and name not in out:
            out.append(name)
    return tuple(out)


def tier_codes(text: str | None) -> frozenset[str]:
    return frozenset(t for t in (text or "").split(",") if t)


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    collector_ids: tuple[int, ...]
    creditor_id: int | None = None
    tiers: frozenset[str] = frozenset()
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseFacts:
    id: int
    creditor_id: int
    outstanding: Decimal
    tier: Tier
    address: str = ""


@dataclass(frozen=True)
class Collector:
    id: int
    open_cases: int
    capacity: int | None = None  # None: no limit
    creditor_scope: frozenset[int] | None = None  # None: every creditor
    is_active: bool = True

    def can_take(self, creditor_id: int, extra: int = 0) -> bool:
        return (
            self.is_active
            and (self.creditor_scope is None or creditor_id in self.creditor_scope)
            and (self.capacity is None or self.open_cases + extra < self.capacity)
        )


@dataclass(frozen=True)
class Placement:
    case_id: int
    collector_id: int | None  # None: no rule could place it
    rule: Rule | None = None
    why_not: str = ""


def matches(rule: Rule, case: CaseFacts) -> bool:
    if rule.creditor_id is not None and case.creditor_id != rule.creditor_id:
        return False
    if rule.tiers and case.tier.value not in rule.tiers:
        return False
    if rule.min_amount is not None and case.outstanding < rule.min_amount:
        return False
    if rule.max_amount is not None and case.outstanding >= rule.max_amount:
        return False
    if rule.regions and not any(name in case.address for name in rule.regions):
        return False
    return True


@dataclass
class _Loads:
    collectors: Mapping[int, Collector]
    added: dict[int, int] = field(default_factory=dict)

    def can_take(self, user_id: int, creditor_id: int) -> bool:
        c = self.collectors.get(user_id)
        return c is not None and c.can_take(creditor_id, self.added.get(user_id, 0))

    def load(self, user_id: int) -> int:
        return self.collectors[user_id].open_cases + self.added.get(user_id, 0)


def allocate(
    rules: Iterable[Rule], cases: Iterable[CaseFacts], collectors: Mapping[int, Collector]
) -> list[Placement]:
    """A placement for each case (in the order given), counting what earlier cases took."""
    rules = list(rules)
    loads = _Loads(collectors)
    out: list[Placement] = []
    for case in cases:
        matching = [r for r in rules if matches(r, case)]
        placed = None
        for rule in matching:
            free = [u for u in rule.collector_ids if loads.can_take(u, case.creditor_id)]
            if free:
                chosen = min(free, key=lambda u: (loads.load(u), u))
                loads.added[chosen] = loads.added.get(chosen, 0) + 1
                placed = Placement(case.id, chosen, rule)
                break
        if placed is None:
            why = (
                "没有匹配的分案规则"
                if not matching
                else "匹配规则的催收员已满额或无权查看该债权主体"
            )
            placed = Placement(case.id, None, None, why)
        out.append(placed)
    return out
