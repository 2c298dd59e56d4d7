"""Upload a large file through the API to the local backend: throughput and the app's peak memory.

    python -m bench.upload [--mb 1024]

Serves the app with gunicorn (one sync worker) on a fresh SQLite database, streams a
multipart upload of random bytes from this process, and reads the worker's peak resident
memory (VmHWM) from /proc afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.pages import _free_port

BOUNDARY = "----legalcase-bench"


def _worker_pid(master: int) -> int:
    for _ in range(50):
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text().split()
                except OSError:
                    continue
                if int(stat[3]) == master:
                    return int(pid)
        time.sleep(0.2)
    raise RuntimeError("no gunicorn worker")


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("VmHWM not found")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lc-upload-"))
    big = work / "big.txt"
    block = os.urandom(1 << 20).hex().encode()[: 1 << 20]  # text, so the type check accepts it
    with open(big, "wb") as fh:
        for _ in range(args.mb):
            fh.write(block)
    url = f"sqlite:///{work / 'db.sqlite'}"
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": url,
        "LEGALCASE_INSTANCE_PATH": str(work / "instance"),
        "LEGALCASE_SECRET_KEY": "bench",
        "LEGALCASE_EVIDENCE_MAX_MB": str(args.mb + 10),
    }
    subprocess.run(
        [sys.executable, "-m", "legalcase.cli", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
    )
    setup = (
        "from legalcase import create_app\nfrom legalcase.db import db\nfrom tests import factories as F\n"
        "from legalcase.services.auth import issue_token\napp = create_app()\n"
        "with app.app_context():\n    u = F.user(db.session)\n    c = F.case(db.session, u)\n"
        "    print(c.id, issue_token(db.session, u))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", setup], env=env, check=True, capture_output=True, text=True
    )
    case_id, token = out.stdout.split()
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "1",
            "--timeout",
            "600",
            "-b",
            f"127.0.0.1:{port}",
            "legalcase:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        worker = _worker_pid(server.pid)
        time.sleep(2)
        before = _peak_kb(worker)
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        length = len(head) + big.stat().st_size + len(tail)

        def body():
            yield head
            with open(big, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    yield chunk
            yield tail

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        started = time.perf_counter()
        conn.request(
            "POST",
            f"/api/v1/cases/{case_id}/evidence",
            body=body(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Length": str(length),
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            },
        )
        resp = conn.getresponse()
        payload = json.loads(resp.read())
        secs = time.perf_counter() - started
        assert resp.status == 201, payload
        peak = _peak_kb(worker)
        print(
            f"{args.mb} MB in {secs:.1f} s = {args.mb / secs:.0f} MB/s; worker peak RSS {peak / 1024:.0f} MB "
            f"(idle {before / 1024:.0f} MB); sha256 {payload['sha256'][:16]}..."
        )
    finally:
        server.terminate()
        server.wait()
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
