"""The portfolio's filters from query arguments (web list and API)."""

from __future__ import annotations

from marshmallow import ValidationError

from legalcase.domain.aging import Tier
from legalcase.domain.values import STAGES
from legalcase.services.cases import PortfolioFilter

from .fields import MAX_INT, Money, int_arg


def portfolio_filter(args) -> tuple[PortfolioFilter, dict[str, str]]:
    """Portfolio filters from query arguments; unknown values are ignored, bad amounts
    and numbers reported."""
    errors = {}
    f = PortfolioFilter(sort=args.get("sort") or "overdue", q=args.get("q") or None)
    if args.get("stage") in STAGES:
        f.stage = args["stage"]
    if args.get("tier") in {t.value for t in Tier}:
        f.tier = args["tier"]
    f.owner_id = int_arg(args, "owner_id", None, 1, MAX_INT, errors)
    f.creditor_id = int_arg(args, "creditor_id", None, 1, MAX_INT, errors)
    f.deadline_within = int_arg(args, "deadline_within", None, 0, 3650, errors)
    for key in ("min_outstanding", "max_outstanding"):
        if args.get(key):
            try:
                setattr(f, key, Money(allow_zero=True).deserialize(args[key]))
            except ValidationError as exc:
                errors[key] = "；".join(exc.messages)
    return f, errors
