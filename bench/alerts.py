"""The daily alert run over the benchmark portfolio (after bench/refresh.py stored the deadlines).

    python -m bench.alerts DATABASE_URL

Gives every owner an e-mail address, then times `send_alerts` with a transport that only
counts (SMTP time excluded), on the day the portfolio was seeded.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from legalcase.db import make_engine
from legalcase.models import AlertDelivery, CaseDeadline, User
from legalcase.services.alerts import send_alerts
from legalcase.services.clock import today


class Counting:
    def __init__(self) -> None:
        self.messages = 0

    def __enter__(self):
        return self

    def send(self, msg) -> None:
        bytes(msg)  # the message is built in full, as for SMTP
        self.messages += 1

    def __exit__(self, *exc) -> None:
        return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    args = ap.parse_args()
    engine = make_engine(args.url)
    with Session(engine) as session:
        session.execute(
            update(User).values(email=User.username + "@example.cn", is_alerts_enabled=True)
        )
        session.execute(delete(AlertDelivery))
        session.commit()
        deadlines = session.scalar(select(func.count()).select_from(CaseDeadline))
        transport = Counting()
        started = time.perf_counter()
        report = send_alerts(session, transport, "legal@example.cn", today())
        secs = time.perf_counter() - started
        print(
            f"{deadlines} deadlines: {report.sent} digests with {report.items} items in {secs:.1f} s"
        )
        started = time.perf_counter()
        again = send_alerts(session, transport, "legal@example.cn", today())
        print(f"second run: {again.sent} digests in {time.perf_counter() - started:.1f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
