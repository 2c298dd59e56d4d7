"""Payment propensity: the chance that a case's debtor pays something within 30 days.

Pure: a case's history as plain values (``History``) gives its features on a day
(``features``), whether it paid in the 30 days after (``paid_within``), and a score from a
linear model on the logit scale (``LinearModel``): the fitted logistic regression or, with
too little history to learn from, the transparent rules (``RULES``). Both explain a score by
each feature's contribution to the logit (its weight times its distance from the reference
value), the main reasons shown with every score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from .aging import days_overdue, tier_for
from .money import ZERO

HORIZON_DAYS = 30  # the score: P(a payment within this many days)
# Too little history to learn from: fewer labelled snapshots, or fewer of either outcome,
# and the transparent rules are used instead (docs/synthetic-history.md, "threshold").
MIN_SNAPSHOTS = 200
MIN_EACH_OUTCOME = 30
REACHED = ("reached", "promised", "paid")  # contact outcomes where the debtor was reached

# name -> label (the reason shown to a collector)
FEATURES: dict[str, str] = {
    "months_overdue": "逾期月数",
    "tier": "账龄档",
    "log_owed": "欠款金额（对数）",
    "paid_share": "已还比例",
    "payments_90d": "近90天付款次数",
    "months_since_payment": "距上次付款月数",
    "promises_kept": "兑现的承诺",
    "promises_broken": "违约的承诺",
    "promise_open": "30天内有到期承诺",
    "contacts_90d": "近90天联系次数",
    "reached_share_90d": "近90天联系成功比例",
    "disputed": "有未解决的异议",  # open on the day scored (not one resolved since)
    "in_court": "已进入诉讼/执行",
}
NAMES = tuple(FEATURES)


@dataclass(frozen=True)
class History:
    """One case's history in plain values (every list may run past the day scored)."""

    receivables: Sequence[tuple[date, date, Decimal]]  # (issued, due, amount)
    payments: Sequence[tuple[date, Decimal]]  # (paid on, amount)
    promises: Sequence[tuple[date, date, str]]  # (made, due, status now)
    contacts: Sequence[tuple[date, str, str | None]]  # (day, outcome, non-payment reason)
    court_from: date | None = None  # the day it went to court (preservation...), if it did
    # each dispute recorded (services.disputes): (opened on, resolved on, None while open)
    disputes: Sequence[tuple[date, date | None]] = ()


def owed_on(h: History, day: date) -> tuple[Decimal, Decimal, date | None]:
    """(invoiced, paid, oldest unpaid due date) before ``day``: payments settle the
    receivables earliest due first."""
    invoiced = [(due, amount) for issued, due, amount in h.receivables if issued < day]
    paid = sum((a for d, a in h.payments if d < day), ZERO)
    total = sum((a for _, a in invoiced), ZERO)
    left = paid
    oldest = None
    for due, amount in sorted(invoiced):
        if left >= amount:
            left -= amount
            continue
        oldest = due
        break
    return total, paid, oldest


def features(h: History, day: date) -> dict[str, float]:
    """The case's features on ``day`` from what happened before it."""
    invoiced, paid, oldest = owed_on(h, day)
    owed = invoiced - paid
    days = days_overdue(oldest, day) if owed > ZERO else 0
    since = day - timedelta(days=90)
    before = [d for d, _ in h.payments if d < day]
    contacts = [(d, o, r) for d, o, r in h.contacts if since <= d < day]
    settled = [s for m, due, s in h.promises if due < day]
    tiers = ["current", "1-30", "31-60", "61-90", "90+"]
    return {
        "months_overdue": min(days, 720) / 30,
        "tier": float(tiers.index(tier_for(days).value)),
        "log_owed": math.log10(float(owed) + 1) if owed > ZERO else 0.0,
        "paid_share": float(paid / invoiced) if invoiced > ZERO else 0.0,
        "payments_90d": float(sum(1 for d in before if d >= since)),
        "months_since_payment": min((day - max(before)).days, 365) / 30 if before else 12.2,
        "promises_kept": float(sum(1 for s in settled if s == "kept")),
        "promises_broken": float(sum(1 for s in settled if s in ("broken", "partial"))),
        "promise_open": float(
            any(m < day <= due < day + timedelta(days=HORIZON_DAYS) for m, due, _ in h.promises)
        ),
        "contacts_90d": float(len(contacts)),
        "reached_share_90d": (
            sum(1 for _, o, _ in contacts if o in REACHED) / len(contacts) if contacts else 0.0
        ),
        # a dispute open on ``day`` (the worklist's "now"): one resolved by then no longer
        # holds collection up, and a contact noting an objection is no dispute until recorded
        "disputed": float(any(o <= day and (r is None or r > day) for o, r in h.disputes)),
        "in_court": float(h.court_from is not None and h.court_from < day),
    }


def owes_on(h: History, day: date) -> bool:
    invoiced, paid, _ = owed_on(h, day)
    return invoiced - paid > ZERO


def paid_within(h: History, day: date, days: int = HORIZON_DAYS) -> bool:
    """The label: a payment on ``day`` or in the ``days`` after it."""
    return any(day <= d < day + timedelta(days=days) for d, _ in h.payments)


@dataclass(frozen=True)
class Reason:
    feature: str
    label: str
    value: float
    contribution: float  # to the logit: > 0 raises the chance of payment

    @property
    def text(self) -> str:
        arrow = "↑" if self.contribution > 0 else "↓"
        shown = f"{self.value:.0f}" if float(self.value).is_integer() else f"{self.value:.2f}"
        return f"{self.label} {shown} {arrow}"


@dataclass(frozen=True)
class Score:
    probability: float
    reasons: tuple[Reason, ...]  # the largest contributions first
    kind: str  # logistic | rules


@dataclass(frozen=True)
class LinearModel:
    """logit = intercept + sum(weight * (x - reference) / scale), the same form for the
    fitted logistic regression (reference: the training mean, scale: its deviation) and for
    the rules (reference: a typical case, scale 1)."""

    kind: str
    intercept: float
    weights: dict[str, float]
    reference: dict[str, float]
    scale: dict[str, float] = field(default_factory=dict)

    def contributions(self, x: dict[str, float]) -> dict[str, float]:
        return {
            n: w * (x[n] - self.reference.get(n, 0.0)) / (self.scale.get(n) or 1.0)
            for n, w in self.weights.items()
        }

    def score(self, x: dict[str, float], top: int = 3) -> Score:
        parts = self.contributions(x)
        logit = self.intercept + sum(parts.values())
        p = 1 / (1 + math.exp(-max(-30.0, min(30.0, logit))))
        ranked = sorted(
            (n for n in parts if abs(parts[n]) >= 0.05), key=lambda n: (-abs(parts[n]), n)
        )
        reasons = tuple(Reason(n, FEATURES[n], x[n], parts[n]) for n in ranked[:top])
        return Score(p, reasons, self.kind)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "intercept": self.intercept,
            "weights": self.weights,
            "reference": self.reference,
            "scale": self.scale,
        }

    @classmethod
    def from_dict(cls, d: dict) -> LinearModel:
        return cls(d["kind"], d["intercept"], d["weights"], d["reference"], d.get("scale", {}))


# The transparent rules: a case two months overdue, never reached, has a one-in-three chance
# (intercept -0.7); each fact moves the logit by its weight per unit from there.
RULES = LinearModel(
    "rules",
    -0.7,
    {
        "months_overdue": -0.3,
        "payments_90d": 0.5,
        "promises_kept": 0.4,
        "promises_broken": -0.6,
        "promise_open": 1.0,
        "reached_share_90d": 0.8,
        "disputed": -0.8,
        "in_court": -0.5,
    },
    {"months_overdue": 2.0},
)


def enough_history(labels: Sequence[bool]) -> bool:
    """Whether a model may be learned from these labelled snapshots (else: the rules)."""
    positives = sum(1 for y in labels if y)
    return (
        len(labels) >= MIN_SNAPSHOTS
        and positives >= MIN_EACH_OUTCOME
        and len(labels) - positives >= MIN_EACH_OUTCOME
    )


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s month through ``last``."""
    out = []
    day = date(first.year, first.month, 1)
    while day <= last:
        out.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


@dataclass(frozen=True)
class Decile:
    number: int  # 1 = the lowest scores
    count: int
    predicted: float  # mean predicted probability
    observed: float  # share that paid


def calibration(y: Sequence[bool], p: Sequence[float], bins: int = 10) -> list[Decile]:
    """The held-out snapshots in ``bins`` groups of (nearly) equal size by score."""
    pairs = sorted(zip(p, y, strict=True))
    n = len(pairs)
    out = []
    for i in range(bins):
        part = pairs[i * n // bins : (i + 1) * n // bins]
        if part:
            out.append(
                Decile(
                    i + 1,
                    len(part),
                    sum(q for q, _ in part) / len(part),
                    sum(1 for _, t in part if t) / len(part),
                )
            )
    return out


def expected_recovery(probability: float, owed: Decimal) -> Decimal:
    """P(payment within 30 days) x the amount owed, to the fen."""
    return (Decimal(str(round(probability, 6))) * owed).quantize(Decimal("0.01"))
