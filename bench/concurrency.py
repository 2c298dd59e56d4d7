"""Payments per second when 16 clients record payments of 1.00 on one case at once.

    python -m bench.concurrency DATABASE_URL [--runs 3] [--workers 3] [--clients 16] [--payments 400]

Serves the app with ``legalcase serve`` (gunicorn, 3 sync workers) on a free loopback
port, opens a case owing 1,000.00 through the API, and times 16 threads posting 400
payments of 1.00 to it between them. Prints each run's rate and the median. Every run
opens a new case, so the database need not be empty (it is migrated by ``serve``).

The server, the API client and the load are also used by
tests/integration/test_concurrency.py, which checks what the load leaves behind.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = "bench-concurrency"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(database_url: str, instance: Path, workers: int = 3) -> Iterator[str]:
    """``legalcase serve --workers N`` on a free loopback port; yields its base URL.

    The server runs in a process group of its own, terminated (all workers) on leaving."""
    port = free_port()
    instance.mkdir(parents=True, exist_ok=True)
    log = open(instance / "serve.log", "wb")  # noqa: SIM115 (closed below)
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": database_url,
        "LEGALCASE_INSTANCE_PATH": str(instance),
        "LEGALCASE_SECRET_KEY": "concurrency-benchmark-secret-key-0123456789",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "legalcase.cli", "serve"]
        + ["--workers", str(workers), "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/v1/openapi.yaml", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = (instance / "serve.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"legalcase serve did not start:\n{tail}") from None
                time.sleep(0.2)
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@dataclass
class Api:
    base: str
    token: str

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        """One request; returns the status and the decoded body (the raw text if not JSON)."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            f"{self.base}/api/v1{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def ok(self, method: str, path: str, body: dict | None = None) -> dict:
        status, payload = self.call(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {payload}")
        return payload


def admin_with_token(database_url: str, instance: Path) -> tuple[str, int]:
    """An admin (made once), a new API token and a new creditor: (token, creditor_id).

    Written directly through the services in one unit of work, as ``legalcase user
    create`` / ``user token`` would; creditors have no API."""
    from sqlalchemy import select

    from legalcase import create_app
    from legalcase.models import Creditor, User
    from legalcase.services.auth import create_user, issue_token
    from legalcase.services.uow import UnitOfWork

    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(instance)})
    state = app.extensions["legalcase_db"]
    try:
        with UnitOfWork(state["sessions"], write=True) as uow:
            s = uow.session
            user = s.scalar(select(User).where(User.username == ADMIN))
            if user is None:
                user = create_user(s, ADMIN, "bench-pass-2026", "admin", "并发测试管理员")
            token = issue_token(s, user, "concurrency")
            creditor = Creditor(name=f"华东精密机械制造有限公司（并发 {time.time_ns()}）")
            s.add(creditor)
            s.flush()
            creditor_id = creditor.id
            uow.commit()
    finally:
        state["engine"].dispose()
    return token, creditor_id


def open_case(api: Api, creditor_id: int, owing: str = "1000.00") -> int:
    """A debtor and a case owing ``owing`` on one overdue invoice, through the API."""
    n = time.time_ns()
    debtor = api.ok("POST", "/parties", {"kind": "company", "name": f"苏州恒达机电设备有限公司{n}"})
    case = api.ok(
        "POST",
        "/cases",
        {
            "title": "苏州恒达货款纠纷（并发回款）",
            "creditor_id": creditor_id,
            "debtor_id": debtor["id"],
            "risk_level": "medium",
        },
    )
    api.ok(
        "POST",
        f"/cases/{case['id']}/receivables",
        {
            "invoice_no": f"INV-{n}",
            "amount": owing,
            "issue_date": "2025-01-02",
            "due_date": "2025-03-31",
        },
    )
    return case["id"]


def today() -> str:
    return datetime.now(SHANGHAI).date().isoformat()


def payment(case_id: int, amount: str = "1.00") -> tuple[str, dict]:
    return f"/cases/{case_id}/payments", {
        "paid_date": today(),
        "amount": amount,
        "method": "bank",
    }


def promise_entry(case_id: int, amount: str = "1.00", days: int = 7) -> tuple[str, dict]:
    now = datetime.now(SHANGHAI)
    return f"/cases/{case_id}/ledger", {
        "contacted_at": (now - timedelta(minutes=1)).isoformat(timespec="seconds"),
        "channel": "call",
        "summary": "财务表示本周内付款",
        "outcome": "promised",
        "promise_amount": amount,
        "promise_due_date": (now.date() + timedelta(days=days)).isoformat(),
    }


@dataclass
class Outcome:
    path: str
    body: dict
    status: int
    payload: object


def post_all(api: Api, jobs: list[tuple[str, dict]], clients: int = 16) -> list[Outcome]:
    """POST every job from ``clients`` threads at once (each takes the next job when free)."""
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    results: list[Outcome] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client() -> None:
        start.wait()
        while True:
            try:
                path, body = todo.get_nowait()
            except queue.Empty:
                return
            status, payload = api.call("POST", path, body)
            with lock:
                results.append(Outcome(path, body, status, payload))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--payments", type=int, default=400)
    args = ap.parse_args()

    from legalcase.migrate import upgrade

    instance = Path(tempfile.mkdtemp(prefix="lc-bench-conc-"))
    upgrade(args.url)
    # The admin exists before the server starts, so `serve` loads no demo data.
    token, creditor_id = admin_with_token(args.url, instance)
    with served(args.url, instance, args.workers) as base:
        api = Api(base, token)
        rates = []
        for run in range(1, args.runs + 1):
            case_id = open_case(api, creditor_id)
            jobs = [payment(case_id) for _ in range(args.payments)]
            t0 = time.perf_counter()
            results = post_all(api, jobs, args.clients)
            elapsed = time.perf_counter() - t0
            bad = [r for r in results if r.status != 201]
            case = api.ok("GET", f"/cases/{case_id}")
            rate = args.payments / elapsed
            rates.append(rate)
            print(
                f"run {run}: {args.payments} payments in {elapsed:.2f} s = {rate:.1f}/s; "
                f"not 201: {len(bad)}; case paid {case['paid_amount']}",
                flush=True,
            )
            if bad:
                print(f"  first failure: {bad[0].status} {str(bad[0].payload)[:300]}")
    print(f"median of {args.runs}: {statistics.median(rates):.1f} payments/s")


if __name__ == "__main__":
    main()
