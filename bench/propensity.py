"""Train and back-test the payment-propensity model on a simulated history.

    python bench/propensity.py [DATABASE_URL] [--history 2000]

Seeds an installation holding only simulated cases (bench/history.py; the process is in
docs/synthetic-history.md), trains as ``legalcase model train`` does and prints the
held-out AUC, the calibration by decile and the time taken. A synthetic figure is no claim
about real portfolios.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

from bench.seed import seed


def run(url: str, history: int) -> dict:
    from legalcase import create_app
    from legalcase.db import db
    from legalcase.services.clock import today
    from legalcase.services.propensity import train

    seeded = seed(url, n_cases=0, history=history)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tempfile.mkdtemp()})
    with app.app_context():
        started = time.perf_counter()
        with db.unit_of_work(write=True) as uow:
            row = train(uow.session, today())
            uow.commit()
            out = {
                "cases": history,
                "seed_s": round(seeded, 1),
                "train_s": round(time.perf_counter() - started, 1),
                "kind": row.kind,
                "snapshots": row.snapshots,
                "positives": row.positives,
                "holdout_from": str(row.holdout_from),
                "holdout_snapshots": row.holdout_snapshots,
                "auc": str(row.auc),
                "deciles": json.loads(row.calibration),
            }
    app.extensions["legalcase_db"]["engine"].dispose()
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("url", nargs="?")
    ap.add_argument("--history", type=int, default=2000)
    args = ap.parse_args()
    url = args.url or "sqlite:///" + os.path.join(tempfile.mkdtemp(), "propensity.db")
    result = run(url, args.history)
    print(f"{result['cases']} simulated cases, seeded in {result['seed_s']} s")
    print(
        f"{result['kind']}: {result['snapshots']} snapshots ({result['positives']} paid within"
        f" 30 days), trained and back-tested in {result['train_s']} s"
    )
    print(
        f"held out from {result['holdout_from']}: {result['holdout_snapshots']} snapshots,"
        f" AUC {result['auc']}"
    )
    for d in result["deciles"]:
        print(
            f"  decile {d['number']:>2}: {d['count']:>5}  predicted {d['predicted']:.3f}"
            f"  observed {d['observed']:.3f}"
        )
