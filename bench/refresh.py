"""Recompute and store every case's deadlines (what runs after an LPR or calendar update).

    python bench/refresh.py DATABASE_URL [--seed]

Runs `refresh_all` twice: first on a database with no stored deadlines (every row is
written), then again (every row compared, nothing changes). Prints both times.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from legalcase.db import make_engine
from legalcase.models import Case, CaseDeadline
from legalcase.services.deadlines import refresh_all


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seed", action="store_true")
    args = ap.parse_args()
    if args.seed:
        from bench.seed import seed

        print(f"seeded in {seed(args.url):.1f} s", flush=True)
    engine = make_engine(args.url)
    with Session(engine) as session:
        session.execute(delete(CaseDeadline))
        session.execute(update(Case).values(next_deadline_date=None))
        session.commit()
        for label in ("first (all rows written)", "again (nothing changed)"):
            started = time.perf_counter()
            cases, changed = refresh_all(session)
            secs = time.perf_counter() - started
            rows = session.scalar(select(func.count()).select_from(CaseDeadline))
            print(
                f"{label}: {cases} cases, {changed} rows changed, {rows} stored, {secs:.1f} s",
                flush=True,
            )
    engine.dispose()


if __name__ == "__main__":
    main()
