"""Lawyer's letters: DOCX rendering throughput, and PDF conversion batched vs one per letter.

    taskset -c 0 python -m bench.documents [--letters 1000] [--pdfs 100]

The context is a realistic one (two receivables, a payment, the claim lines); each letter
gets its own number. PDF: one LibreOffice process converting all letters against one process
per letter (needs LibreOffice).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from docgen.chinese import amount_in_capitals
from docgen.pdf import convert
from docgen.render import render_docx

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "documents" / "lawyer_letter.docx"


def context(n: int) -> dict:
    from decimal import Decimal

    total = Decimal("110418.65")
    return {
        "letter_number": f"明诚律函〔2026〕第{n:04d}号",
        "today": "2026年11月24日",
        "pay_by": "2026年12月9日",
        "firm": {
            "name": "上海明诚律师事务所",
            "address": "上海市浦东新区世纪大道 100 号",
            "phone": "021-58880000",
            "lawyers": "陈明、李诚",
        },
        "creditor": {"name": "华东精密机械制造有限公司", "account": "工行莘庄支行 1001 2345"},
        "debtor": {
            "name": f"苏州恒达机电设备有限公司{n}",
            "address": "苏州市工业园区星湖街 328 号",
        },
        "contract": {"number": "HD-2025-0042", "signed": "2025年1月10日", "amount": "300,000.00"},
        # what the shipped letter says since issue 13 (legalcase/services/documents/content_context)
        "salutation": "贵司",
        "cause": {
            "contract_label": "买卖合同",
            "principal_label": "货款",
            "basis": "《中华人民共和国民法典》第五百九十五条、第六百二十六条、第六百二十八条",
        },
        "paid_note": "已付23,456.78元，尚欠货款101,846.78元未付",
        "demands_text": "2026年3月2日以邮件方式向债务人催告，至今未获清偿",
        "payee": "开户行：中国工商银行莘庄支行，户名：华东精密机械制造有限公司，账号：10012345",
        "receivables": [
            {
                "invoice_no": f"FP-{n}-{k}",
                "issue_date": "2025-02-01",
                "due_date": "2025-03-31",
                "amount": "61,728.39",
                "paid": "11,728.39",
                "outstanding": "50,000.00",
            }
            for k in range(2)
        ],
        "claim": {
            "as_of": "2026年11月24日",
            "paid": "23,456.78",
            "principal": "101,846.78",
            "interest": "8,571.87",
            "total": f"{total:,.2f}",
            "total_cn": amount_in_capitals(total),
            "lines": [
                {
                    "what": "逾期利息 FP-001",
                    "start": "2025-03-31",
                    "end": "2026-11-24",
                    "days": 603,
                    "base": "101,846.78",
                    "rate": "约定年利率 6%",
                    "amount": "8,571.87",
                }
            ],
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--letters", type=int, default=1000)
    ap.add_argument("--pdfs", type=int, default=100)
    args = ap.parse_args()
    template = TEMPLATE.read_bytes()
    work = Path(tempfile.mkdtemp(prefix="lc-docs-"))
    started = time.perf_counter()
    for n in range(1, args.letters + 1):
        data = render_docx(template, context(n))
        if n <= args.pdfs:
            (work / f"letter{n:04d}.docx").write_bytes(data)
    secs = time.perf_counter() - started
    print(
        f"{args.letters} lawyer's letters as DOCX in {secs:.1f} s = {args.letters / secs:.0f} per second"
    )
    files = sorted(work.glob("letter*.docx"))
    started = time.perf_counter()
    convert(files, work / "batch")
    batch = time.perf_counter() - started
    started = time.perf_counter()
    for f in files:
        convert([f], work / "single")
    single = time.perf_counter() - started
    print(
        f"{len(files)} letters to PDF: one LibreOffice for all {batch:.1f} s; one process per letter {single:.1f} s; "
        f"ratio {single / batch:.1f}x"
    )


if __name__ == "__main__":
    main()
