"""Import of a 100,000-row aging ledger (dry run + import + commit), then the same file again.

    python -m bench.importer DATABASE_URL [--rows 100000]

The database is migrated and emptied first; 500 debtors, a third of the rows with payments.
The session is the application's (with its audit listener); each import commits once, as
the import screen does. Afterwards `legalcase check`'s reconciliation runs over every case.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from legalcase.db import make_engine, make_sessionmaker
from legalcase.domain.identity import uscc_check_char
from legalcase.domain.importer import guess_mapping
from legalcase.migrate import downgrade, upgrade
from legalcase.models import Creditor, User
from legalcase.models.base import utcnow
from legalcase.services import check, importer

HEADERS = [
    "客户名称",
    "统一社会信用代码",
    "发票号",
    "开票日期",
    "到期日",
    "金额",
    "币种",
    "已收金额",
    "最近收款日",
]


def write(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(n):
            d = i % 500
            body = f"91310{d:012d}"
            issue = date(2025, 1, 1) + timedelta(days=i % 300)
            w.writerow(
                [
                    f"基准客户{d:03d}有限公司",
                    body + uscc_check_char(body),
                    f"INV{i:07d}",
                    issue,
                    issue + timedelta(days=60),
                    f"{1000 + i % 9000}.00",
                    "CNY",
                    "100.00" if i % 3 == 0 else "",
                    "2025-12-01" if i % 3 == 0 else "",
                ]
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    downgrade(args.url, "base")
    upgrade(args.url)
    path = Path(tempfile.mkdtemp(prefix="lc-import-")) / "ledger.csv"
    write(path, args.rows)
    engine = make_engine(args.url)
    with make_sessionmaker(engine)() as session:
        admin = User(username="admin", display_name="admin", role="admin", password_hash="x")
        creditor = Creditor(name="基准债权人", created_at=utcnow(), updated_at=utcnow())
        session.add_all([admin, creditor])
        session.commit()
        for label in ("first import", "same file again"):
            started = time.perf_counter()
            headers, raw = importer.read_table(path)
            plan = importer.plan(session, creditor.id, raw, guess_mapping(headers))
            planned = time.perf_counter() - started
            result = importer.apply(session, admin, creditor.id, plan)
            session.commit()
            total = time.perf_counter() - started
            print(
                f"{label}: {args.rows} rows, dry run {planned:.1f} s, total {total:.1f} s: {result}",
                flush=True,
            )
        started = time.perf_counter()
        found = check.differences(session)
        print(f"check: {len(found)} differences, {time.perf_counter() - started:.1f} s", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
