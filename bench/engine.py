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
from legalcase.domain.values import (
    ASSET_KINDS,
    CLAIM_EVENT_TYPES,
    JUDGMENT_KINDS,
    Addressee,
    ClaimEventType,
    GuaranteeType,
    Jurisdiction,
)

# Plain codes, as they come from the database; demands twice as often as other events.
EVENTS = [ClaimEventType.DEMAND.value, *CLAIM_EVENT_TYPES]
PARTIES = [Addressee.DEBTOR.value, Addressee.DEBTOR.value, Addressee.GUARANTOR.value]
GUARANTEES = [None, None, GuaranteeType.JOINT.value, GuaranteeType.GENERAL.value]
_J = Jurisdiction
FOREIGN = [_J.DE.value, _J.GB_EW.value, _J.HK.value, _J.CN_INTL_SALE.value]


def scenario(rng: random.Random) -> Claim:
    due = date(2015, 1, 1) + timedelta(days=rng.randint(0, 4300))

    def day(after: date = due, span: int = 1500) -> date:
        return after + timedelta(days=rng.randint(1, span))

    events = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.choice(EVENTS)
        if kind == "obstacle":
            start = day()
            events.append(Event(kind, start=start, end=day(start, 200)))
        elif kind == "judgment":
            served = day()
            events.append(
                Event(
                    kind,
                    kind=rng.choice(list(JUDGMENT_KINDS)),
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
                    asset=rng.choice(list(ASSET_KINDS)),
                )
            )
        elif kind == "demand":
            events.append(Event(kind, date=day(), party=rng.choice(PARTIES)))
        else:
            events.append(Event(kind, date=day()))
    guarantee = rng.choice(GUARANTEES)
    jurisdiction = Jurisdiction.CN.value if rng.random() < 0.9 else rng.choice(FOREIGN)
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
