"""p50/p95 of the filtered portfolio page and of a case page with 200 ledger entries.

    python bench/pages.py DATABASE_URL [--seed] [--duration 20] [--connections 2]

Serves the app with gunicorn (2 workers) and loads it with wrk from another process
(Debian's `wrk`), logged in as the admin of bench/seed.py. Prints one line per page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = {
    "portfolio (stage=pre_legal, tier=90+, 50 rows)": "/cases?stage=pre_legal&tier=90%2B&sort=overdue",
    "case page (200 ledger entries)": "/cases/1?tab=ledger",
}
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT p50=%.2f p95=%.2f requests=%d errors=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(base: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    from bench.seed import PASSWORD

    data = urllib.parse.urlencode(
        {"csrf_token": token, "username": "admin", "password": PASSWORD}
    ).encode()
    opener.open(f"{base}/login", data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--seed", action="store_true")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--connections", type=int, default=2)
    args = ap.parse_args()
    if args.seed:
        from bench.seed import seed

        print(f"seeded in {seed(args.url):.1f} s", flush=True)

    port = _free_port()
    instance = tempfile.mkdtemp(prefix="lc-bench-")
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": args.url,
        "LEGALCASE_INSTANCE_PATH": instance,
        "LEGALCASE_SECRET_KEY": "bench",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "legalcase:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        cookie = _login(base)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(LUA)
        for name, path in PAGES.items():
            # warm-up, then measure
            subprocess.run(
                ["wrk", "-t1", "-c1", "-d2s", "-H", f"Cookie: {cookie}", base + path],
                capture_output=True,
                check=True,
            )
            out = subprocess.run(
                [
                    "wrk",
                    "-t1",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    "-s",
                    lua.name,
                    "-H",
                    f"Cookie: {cookie}",
                    base + path,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            result = next(line for line in out.splitlines() if line.startswith("RESULT"))
            print(f"{name}: {result.removeprefix('RESULT ')} (ms)", flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
