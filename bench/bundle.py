"""Bundle 50 PDFs of 10 pages (500 pages) with the evidence list, stamps and bookmarks; compare
the merge alone with `qpdf --empty --pages ... --` (Debian's qpdf) on the same files.

    python -m bench.bundle
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from docgen.bundle import Entry, build_bundle


def make_pdfs(directory: Path, files: int = 50, pages: int = 10) -> list[Path]:
    out = []
    for i in range(files):
        path = directory / f"doc{i:02d}.pdf"
        c = canvas.Canvas(str(path))
        for p in range(pages):
            c.setFont("Helvetica", 12)
            for line in range(40):
                c.drawString(
                    72,
                    760 - line * 17,
                    f"Document {i} page {p + 1} line {line}: delivery note text",
                )
            c.showPage()
        c.save()
        out.append(path)
    return out


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="lc-bundle-"))
    pdfs = make_pdfs(work)
    entries = [
        Entry(f"1-{i + 1}", f"送货单 {i + 1}", "原告保存", "证明已交货", True, "0" * 64, p)
        for i, p in enumerate(pdfs)
    ]
    full, merge, qpdf = [], [], []
    for _ in range(3):
        t = time.perf_counter()
        result = build_bundle(entries, {"case": "基准测试"}, work / "bundle.pdf")
        full.append(time.perf_counter() - t)
        t = time.perf_counter()
        writer = PdfWriter()
        for p in pdfs:
            writer.append(PdfReader(p), import_outline=False)
        writer.write(work / "merged.pdf")
        merge.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run(
            ["qpdf", "--empty", "--pages", *map(str, pdfs), "--", str(work / "qpdf.pdf")],
            check=True,
        )
        qpdf.append(time.perf_counter() - t)
    assert result.page_count == 500 + result.list_pages, result
    f, m, q = (statistics.median(x) for x in (full, merge, qpdf))
    print(
        f"bundle of 50 PDFs / 500 pages (+{result.list_pages} list page): {f:.2f} s; merge alone with pypdf {m:.2f} s; "
        f"qpdf {q:.2f} s; pypdf merge / qpdf = {m / q:.1f}x"
    )


if __name__ == "__main__":
    main()
