"""The online statement's PDF prints its fixed headings (the font is cut to the characters used)."""

import subprocess

from docgen.confirmation import statement_pdf


def test_the_statement_pdf_prints_every_heading(tmp_path):
    pdf = statement_pdf(
        {
            "title": "对账确认函（在线）",
            "intro": "往来欠款明细如下：",
            "headers": ["发票号", "尚欠"],
            "rows": [["F-1", "¥100.00"]],
            "total_line": "尚欠金额合计：¥100.00",
            "answer": [("答复", "确认无误")],
            "record": [("IP 地址", "203.0.113.7")],
        }
    )
    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "债务人的答复" in text and "提交记录" in text and "尚欠金额合计：¥100.00" in text
