"""`legalcase check` over a seeded portfolio: find, fix, find again.

    python -m bench.check DATABASE_URL [--seed]

With ``--seed`` the database is seeded first (bench/seed.py: 10,000 cases, 100,000
receivables, 30,017 promises). The seed stores paid amounts without payments, so about 30%
of the receivables (and most cases' balances) differ from their allocations: a real
workload for the fix. Every case's deadlines are computed first (refresh_all), so the next
deadline is compared against ~70,000 stored deadlines. Then, each as the command a user
runs (a new process, the application's start-up included):

1. ``legalcase check`` (finds and prints every difference, exits 1),
2. ``legalcase check --fix`` (one transaction, audited),
3. ``legalcase check`` again (nothing left, exits 0).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from sqlalchemy import func, select

from legalcase.db import make_engine, make_sessionmaker
from legalcase.models import AuditEntry
from legalcase.services.deadlines import refresh_all


def _run(url: str, *args: str) -> tuple[float, int, str]:
    env = {**os.environ, "LEGALCASE_DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "legalcase.cli", "check", *args],
        env=env,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seed", action="store_true")
    args = ap.parse_args()
    if args.seed:
        from bench.seed import seed

        print(f"seeded in {seed(args.url):.1f} s", flush=True)
    engine = make_engine(args.url)
    with make_sessionmaker(engine)() as session:
        started = time.perf_counter()
        cases, _ = refresh_all(session, checkpoint=session.commit)
        print(f"deadlines of {cases} cases stored in {time.perf_counter() - started:.1f} s")
    for label, extra in (("check", ()), ("check --fix", ("--fix",)), ("check again", ())):
        secs, code, output = _run(args.url, *extra)
        lines = output.strip().splitlines()
        print(f"{label}: {secs:.1f} s, exit {code}, {len(lines)} lines; last: {lines[-1]}")
    with make_sessionmaker(engine)() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEntry))
        print(f"audit rows: {audited}")
    engine.dispose()


if __name__ == "__main__":
    main()
