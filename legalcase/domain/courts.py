"""Suggesting the court of a defendant's domicile from an address (CPL 22): a suggestion only,
the user chooses the court on the case."""

from __future__ import annotations

import re

_PROVINCE = re.compile(r"^.*?(?:省|自治区)")
_CITY_DISTRICT = re.compile(
    r"^(?P<city>[^省市区县]{1,10}?市)(?P<district>[^市区县]{1,12}?(?:区|县|市))"
)


def district_court(address: str | None) -> str | None:
    """``上海市闵行区莘庄…`` -> ``上海市闵行区人民法院``; ``江苏省苏州市昆山市…`` ->
    ``昆山市人民法院``; ``None`` when the address names no city and district."""
    if not address:
        return None
    text = _PROVINCE.sub("", address.strip().replace(" ", ""), count=1)
    m = _CITY_DISTRICT.match(text)
    if m is None:
        return None
    city, district = m["city"], m["district"]
    if district.endswith("区"):
        return f"{city}{district}人民法院"
    return f"{district}人民法院"  # a county or county-level city: its own name
