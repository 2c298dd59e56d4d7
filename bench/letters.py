"""Lawyer's letters rendered to DOCX per second on one core: three runs and their median.

    taskset -c 0 python -m bench.letters [--letters 1000] [--runs 3] [--docxtpl]

The shipped lawyer's letter template and bench.documents' realistic context (two
receivables, a payment, the claim lines; each letter its own number and debtor). The first
letter of a run pays for preparing the template (docgen.prepared); ``--docxtpl`` also times
docxtpl's full path (the whole package opened and saved for every letter), for comparison.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from unittest import mock

import docgen.render as render
from bench.documents import TEMPLATE, context
from docgen.prepared import _cache


def run(letters: int) -> float:
    template = TEMPLATE.read_bytes()
    _cache.clear()  # every run prepares the template again
    started = time.perf_counter()
    for n in range(1, letters + 1):
        data = render.render_docx(template, context(n))
        assert data[:2] == b"PK"
    return letters / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--letters", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--docxtpl", action="store_true", help="also time docxtpl's full path")
    args = ap.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    rates = [run(args.letters) for _ in range(args.runs)]
    print(
        f"{args.letters} lawyer's letters to DOCX, {args.runs} runs: "
        + " / ".join(f"{r:.0f}" for r in rates)
        + f" per second; median {statistics.median(rates):.0f}"
    )
    if args.docxtpl:
        with mock.patch.object(render, "prepared", lambda *a: None):
            rates = [run(max(args.letters // 5, 1)) for _ in range(args.runs)]
        print(
            "docxtpl's full path: "
            + " / ".join(f"{r:.0f}" for r in rates)
            + f" per second; median {statistics.median(rates):.0f}"
        )


if __name__ == "__main__":
    main()
