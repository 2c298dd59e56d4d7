"""Letters with PDF per second: each letter rendered to DOCX and converted on its own (as a
letter's PDF is made when it is opened), by a cold LibreOffice per letter against the
process's warm LibreOffice (docgen.warm). Three runs each; medians.

    python -m bench.pdf_letters [--letters 10] [--runs 3]

The warm LibreOffice is started (and one letter converted) before the timing: it lives as
long as the process does.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench.documents import TEMPLATE, context
from docgen import warm
from docgen.pdf import convert_cold, soffice
from docgen.render import render_docx


def run(letters: int, convert_one) -> float:
    template = TEMPLATE.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        for n in range(letters):
            source = Path(tmp) / f"letter{n}.docx"
            source.write_bytes(render_docx(template, context(n + 1)))
            convert_one(source, Path(tmp) / "out" / f"letter{n}.pdf")
        return letters / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--letters", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    exe = soffice()
    office = warm.WarmOffice(exe)

    def cold(source: Path, target: Path) -> None:
        convert_cold([source], target.parent, exe)

    def hot(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        office.convert(source, target)

    try:
        run(1, hot)  # start LibreOffice
        for name, fn in (("cold soffice per letter", cold), ("warm LibreOffice", hot)):
            rates = [run(args.letters, fn) for _ in range(args.runs)]
            shown = " / ".join(f"{r:.2f}" for r in rates)
            print(f"{name}: median {statistics.median(rates):.2f} letters/s (runs {shown})")
    finally:
        office.stop()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
