"""DOCX to PDF with LibreOffice headless.

The warm path (default): a long-lived LibreOffice of this process (``docgen.warm``, through
unoserver) converts each file without starting LibreOffice again; restarted when it died.
The cold path: one ``soffice --convert-to pdf`` per call converts a whole batch; used when
the warm path is off (LEGALCASE_PDF_WARM=0) or cannot run here (no python3-uno), with the
reason logged once. Without LibreOffice at all: ConversionUnavailable, with a clear message.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class ConversionUnavailable(Exception):
    """LibreOffice is not installed: the Word file is still there, the PDF is not."""


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise ConversionUnavailable(
            "未安装 LibreOffice，无法生成 PDF；Word 文件已生成，可下载后自行转换"
        )
    return path


log = logging.getLogger(__name__)
_cold_reason: str | None = None  # why this process converts cold (logged once)


def warm_enabled() -> bool:
    return os.environ.get("LEGALCASE_PDF_WARM", "1").strip().lower() not in ("0", "false", "no")


def convert(docx_files: list[Path], outdir: Path, timeout: int = 600) -> list[Path]:
    """Convert every file; returns the PDFs (``outdir/<stem>.pdf``) in the same order.

    Warm LibreOffice when it can run here, else one cold LibreOffice process for the batch."""
    global _cold_reason
    exe = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    if warm_enabled() and _cold_reason is None:
        from .warm import WarmUnavailable, office

        try:
            warm = office(exe)
            pdfs = []
            for f in docx_files:
                target = outdir / (f.stem + ".pdf")
                warm.convert(f, target)
                pdfs.append(target)
            return pdfs
        except WarmUnavailable as exc:
            _cold_reason = str(exc)
            log.warning("PDF conversion falls back to a cold LibreOffice per call: %s", exc)
    return convert_cold(docx_files, outdir, exe, timeout)


def convert_cold(
    docx_files: list[Path], outdir: Path, exe: str | None = None, timeout: int = 600
) -> list[Path]:
    """Convert every file with ONE newly started LibreOffice process (the cold path)."""
    exe = exe or soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, docx_files),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    pdfs = [outdir / (f.stem + ".pdf") for f in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if result.returncode != 0 or missing:
        raise RuntimeError(
            f"LibreOffice conversion failed ({result.returncode}): {result.stderr[-500:]} {missing}"
        )
    return pdfs
