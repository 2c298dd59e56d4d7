"""Throughput of the pure deadline engine on random scenarios, on one core.

    python bench/engine.py [--n 100000]

Scenarios are generated first (not timed): due dates 2015-2026, 0-6 events of every kind,
a third with a guarantee. Prints scenarios per second (median of 3 runs).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date, timedelta

from legalcase.domain.calendar import china_calendar
from legalcase.domain.deadlines import Claim, Event, compute


def scenario(rng: random.Random) -> Claim:
    due = date(2015, 1, 1) + timedelta(days=rng.randint(0, 4300))

    def day(after: date = due, span: int = 1500) -> date:
        return after + timedelta(days=rng.randint(1, span))

    events = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.choice(
            [
                "demand",
                "demand",
                "acknowledgment",
                "part_payment",
                "proceedings_started",
                "proceedings_ended",
                "obstacle",
                "judgment",
                "settlement",
                "preservation",
            ]
        )
        if kind == "obstacle":
            start = day()
            events.append(Event(kind, start=start, end=day(start, 200)))
        elif kind == "judgment":
            served = day()
            events.append(
                Event(
                    kind,
                    kind=rng.choice(["judgment", "ruling"]),
                    served=served,
                    performance_due=day(served, 60),
                )
            )
        elif kind == "preservation":
            events.append(
                Event(
                    kind,
                    date=day(),
                    pre_suit=rng.random() < 0.5,
                    asset=rng.choice(["bank_deposit", "movable", "real_estate", "other_right"]),
                )
            )
        elif kind == "demand":
            events.append(
                Event(kind, date=day(), party=rng.choice(["debtor", "debtor", "guarantor"]))
            )
        else:
            events.append(Event(kind, date=day()))
    guarantee = rng.choice([None, None, "joint", "general"])
    jurisdiction = "CN" if rng.random() < 0.9 else rng.choice(["DE", "GB-EW", "HK", "CN-INTL-SALE"])
    return Claim(jurisdiction, due, tuple(events), guarantee, None)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    rng = random.Random(42)
    claims = [scenario(rng) for _ in range(args.n)]
    cal = china_calendar()
    as_of = date(2026, 11, 23)
    rates = []
    deadlines = 0
    for _ in range(3):
        started = time.perf_counter()
        deadlines = sum(len(compute(c, as_of, cal)) for c in claims)
        rates.append(args.n / (time.perf_counter() - started))
    print(
        f"{args.n} scenarios, {deadlines} deadlines: median {statistics.median(rates):,.0f} scenarios/s "
        f"(runs: {', '.join(f'{r:,.0f}' for r in rates)})"
    )


if __name__ == "__main__":
    main()
