"""Warm LibreOffice (issue 15 point 4): one long-lived LibreOffice converts document after
document, comes back after it is killed, and the cold path remains when it cannot run."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time

import pytest
from docx import Document

from docgen import pdf, warm


def _docx(path, text: str):
    doc = Document()
    doc.add_paragraph(text)
    doc.save(path)
    return path


def _text(pdf_path) -> str:
    out = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


@pytest.fixture
def office():
    o = warm.WarmOffice(pdf.soffice())
    yield o
    o.stop()


def test_one_libreoffice_converts_letter_after_letter(office, tmp_path):
    for n in range(3):
        source = _docx(tmp_path / f"letter{n}.docx", f"律师函第{'一二三'[n]}封：请于七日内付款")
        office.convert(source, tmp_path / f"letter{n}.pdf")
        assert f"律师函第{'一二三'[n]}封" in _text(tmp_path / f"letter{n}.pdf")
        if n == 0:
            first = office.office_pids()
            assert first  # LibreOffice is running between letters
    assert office.starts == 1 and office.office_pids() == first


def test_a_killed_libreoffice_is_restarted_by_the_next_conversion(office, tmp_path):
    office.convert(_docx(tmp_path / "a.docx", "第一封"), tmp_path / "a.pdf")
    killed = office.office_pids()
    for pid in killed:  # kill -9 LibreOffice (soffice.bin and its launcher)
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    office.convert(_docx(tmp_path / "b.docx", "第二封"), tmp_path / "b.pdf")
    assert "第二封" in _text(tmp_path / "b.pdf")
    assert office.starts == 2 and not set(office.office_pids()) & set(killed)


def test_without_python_uno_it_converts_cold_and_says_why(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("LEGALCASE_UNO_PYTHON", sys.executable)  # the venv: no uno module
    monkeypatch.setattr(pdf, "_cold_reason", None)
    monkeypatch.setattr(warm, "_office", None)
    source = _docx(tmp_path / "c.docx", "冷启动转换")
    with caplog.at_level(logging.WARNING, logger="docgen.pdf"):
        (out,) = pdf.convert([source], tmp_path / "out")
    assert "冷启动转换" in _text(out)
    assert "python3-uno" in caplog.text and "cold" in caplog.text


def test_without_libreoffice_the_message_is_clear(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.ConversionUnavailable, match="未安装 LibreOffice"):
        pdf.convert([_docx(tmp_path / "d.docx", "x")], tmp_path / "out")
