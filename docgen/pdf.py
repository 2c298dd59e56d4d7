"""DOCX to PDF with LibreOffice headless: one process converts a whole batch."""

from __future__ import annotations

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


def convert(docx_files: list[Path], outdir: Path, timeout: int = 600) -> list[Path]:
    """Convert every file with ONE LibreOffice process; returns the PDFs in the same order."""
    exe = soffice()
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
