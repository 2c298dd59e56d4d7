"""The fields every document template may use (top-level names) and the lists it may loop over.

Each field is an object; its keys are described in templates/FIELDS.md. Every shipped
template (templates/documents/) uses only these, so that one re-uploaded unchanged is
accepted (tests/web/test_template_versions.py uploads each).
"""

from __future__ import annotations

COMMON = {
    "letter_number",
    "today",
    "firm",
    "creditor",
    "debtor",
    "guarantor",  # the first guarantor (see guarantors)
    "guarantors",  # every guarantor: a party block + guarantee_type, guarantee_label, period_end
    "contract",
    "receivables",
    "payments",
    "claim",
    "pay_by",
    "case",
    "owner",
    "firm_seal",  # the firm's seal image (LEGALCASE_FIRM_SEAL), empty when none is configured
    "confirm_qr",  # 对账确认函: the online confirmation link as a QR code (issue 16), or empty
    "confirm_url",  # that link, empty without LEGALCASE_PUBLIC_URL
    # legalcase/services/documents/parties_context.py (issue 13.1)
    "issuer",  # who issues it: kind firm | creditor | court_filing, name, code, numbered
    "salutation",  # the debtor addressed: 您 (a natural person) or 贵司 (a company)
    "court",  # the court chosen on the case (also case.court); filings refused without one
    # legalcase/services/documents/content_context.py (issue 13 points 1-5): what it says
    "cause",  # the cause of action by the contract's kind and its articles
    "defendants",  # the debtor and the guarantor, each with its identity block
    "requests",  # the complaint's requests (诉讼请求)
    "facts",  # the facts element by element (事实与理由)
    "demands",  # the demands made, from the ledger
    "demands_text",
    "paid_note",  # 未付 / 已付 … 尚欠 …
    "forum",  # the forum clause
    "mediation",  # pre-suit mediation preference
    "copies",  # 本状副本 N 份
    "payee",  # the creditor's payment account
    "instalments",
    "preservation",
}
LISTS = {
    "receivables",
    "payments",
    "claim.lines",
    "instalments",
    "assets",
    "evidence",
    "defendants",
    "requests",
    "facts",
    "demands",
    "guarantors",
}

DOCUMENTS: dict[str, dict] = {
    "reminder_30": {"title": "催款函（逾期30天）", "fields": COMMON, "step": "reminder"},
    "reminder_60": {"title": "催款函（逾期60天）", "fields": COMMON, "step": "reminder"},
    "statement": {"title": "对账确认函", "fields": COMMON, "step": None},
    "repayment_agreement": {"title": "还款协议", "fields": COMMON, "step": None},
    "lawyer_letter": {"title": "律师函", "fields": COMMON, "step": "lawyer_letter"},
    "preservation_application": {
        "title": "财产保全申请书",
        "fields": COMMON | {"assets", "preservation"},
        "step": "preservation",
    },
    "complaint": {
        "title": "民事起诉状",
        "fields": COMMON | {"evidence", "preservation"},
        "step": "complaint",
    },
    "enforcement_application": {
        "title": "强制执行申请书",
        "fields": COMMON | {"judgment", "assets"},
        "step": "enforcement",
    },
}
