"""10x data (issue 15 point 7): the dashboard, text search and the alert run at the scale of
the seeded portfolio (``bench/seed.py URL --cases 100000``), each the median of 3.

    python -m bench.scale DATABASE_URL [--code REV]

``--code REV`` times services/dashboard.py and services/alerts.py as they were at git
revision REV (the "before" figures); the search indexes are whatever the database has
(run it before and after ``legalcase db upgrade`` adds the trigram indexes).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from legalcase.db import make_engine
from legalcase.models import User
from legalcase.services import alerts, dashboard, search
from legalcase.services.cases import PortfolioFilter, list_cases
from legalcase.services.clock import today

ROOT = Path(__file__).resolve().parent.parent


def module_at(rev: str, name: str):
    """legalcase.services.NAME as its source was at git revision ``rev``."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:legalcase/services/{name}.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    spec = importlib.util.spec_from_loader(f"legalcase.services._{name}_at_{rev}", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "legalcase.services"
    sys.modules[spec.name] = module
    exec(compile(source, f"{rev}:{name}.py", "exec"), module.__dict__)
    return module


def timed(session: Session, fn, runs: int = 3) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(runs):
        session.rollback()
        session.expunge_all()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--code", help="git revision of dashboard.py and alerts.py to time")
    args = ap.parse_args()
    dash = module_at(args.code, "dashboard") if args.code else dashboard
    alert = module_at(args.code, "alerts") if args.code else alerts
    engine = make_engine(args.url)
    day = today()
    with Session(engine) as session:
        session.execute(
            update(User).values(email=User.username + "@example.cn", is_alerts_enabled=True)
        )
        session.commit()
        users = session.scalar(select(User.id).limit(1))
        assert users, "seed the database first (bench/seed.py)"
        secs, d = timed(session, lambda: dash.build(session, day))
        print(f"dashboard (reports) build: {secs * 1000:.0f} ms  outstanding {d.outstanding}")
        for term in ("债务人04217", "不存在的名称"):
            f = PortfolioFilter(q=term)
            secs, (rows, total) = timed(session, lambda f=f: list_cases(session, f, day))
            print(f"portfolio q={term}: {secs * 1000:.1f} ms ({total} cases)")
            secs, hits = timed(session, lambda t=term: search.search(session, t))
            print(f"search {term}: {secs * 1000:.1f} ms ({len(hits)} hits)")
        secs, digests = timed(session, lambda: alert.collect(session, day))
        items = sum(len(x.items) for x in digests)
        print(f"alert run (collect): {secs:.2f} s ({len(digests)} digests, {items} items)")
    engine.dispose()


if __name__ == "__main__":
    main()
