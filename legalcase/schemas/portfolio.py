"""The portfolio's filters from query arguments (web list and API)."""

from __future__ import annotations

from marshmallow import ValidationError

from legalcase.domain.aging import Tier
from legalcase.domain.values import STAGES
from legalcase.services.cases import PortfolioFilter

from .fields import Money


def portfolio_filter(args) -> tuple[PortfolioFilter, dict[str, str]]:
    """Portfolio filters from query arguments; unknown values are ignored, bad amounts reported."""
    errors = {}
    f = PortfolioFilter(sort=args.get("sort") or "overdue", q=args.get("q") or None)
    if args.get("stage") in STAGES:
        f.stage = args["stage"]
    if args.get("tier") in {t.value for t in Tier}:
        f.tier = args["tier"]
    for key in ("owner_id", "creditor_id", "deadline_within"):
        if args.get(key, "").isdigit():
            setattr(f, key, int(args[key]))
    for key in ("min_outstanding", "max_outstanding"):
        if args.get(key):
            try:
                setattr(f, key, Money(allow_zero=True).deserialize(args[key]))
            except ValidationError as exc:
                errors[key] = "；".join(exc.messages)
    return f, errors
