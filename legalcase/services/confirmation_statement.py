"""What the debtor's contact sees on the online statement (对账确认): the items the case still
owes as its stored figures give them, and the PDF kept of it with the submission record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from docgen.confirmation import statement_pdf
from legalcase.domain.money import ZERO, format_money
from legalcase.domain.values import ConfirmationDecision, DisputeStatus
from legalcase.models import Case, Dispute, Receivable

from .balances import as_owed, owed
from .clock import SHANGHAI


@dataclass(frozen=True)
class Item:
    receivable_id: int
    invoice_no: str
    issue_date: date
    due_date: date
    amount: Decimal
    paid: Decimal
    left: Decimal
    disputed: bool


@dataclass(frozen=True)
class Statement:
    case_id: int
    creditor: str
    debtor: str
    currency: str
    as_of: date
    items: list[Item]
    total: Decimal  # the case's one amount owed (stored: balances.figures_of)

    @property
    def receivable_ids(self) -> list[int]:
        return [i.receivable_id for i in self.items]


def statement_of(session: Session, case: Case, today: date) -> Statement:
    """The items the case still owes, each as the case's allocation setting gives it
    (``balances.as_owed``, what the stored figures are made of), and its amount owed."""
    receivables = list(
        session.scalars(
            select(Receivable)
            .where(Receivable.case_id == case.id)
            .options(selectinload(Receivable.instalments))
            .order_by(Receivable.due_date, Receivable.id)
        )
    )
    figures = as_owed(session, {case.id: [owed(r) for r in receivables]})[case.id]
    disputed = set(
        session.scalars(
            select(Dispute.receivable_id).where(
                Dispute.case_id == case.id, Dispute.status == DisputeStatus.OPEN.value
            )
        )
    )
    items = [
        Item(
            r.id,
            r.invoice_no,
            r.issue_date,
            r.due_date,
            o.amount,
            o.paid,
            o.outstanding,
            r.id in disputed,
        )  # fmt: skip
        for r, o in zip(receivables, figures, strict=True)
        if o.outstanding > ZERO
    ]
    return Statement(
        case.id, case.creditor.name, case.debtor.name, case.currency, today, items,
        case.outstanding_amount,
    )  # fmt: skip


def statement_pdf_of(st: Statement, sub, at: datetime, link_id: int) -> bytes:
    """The PDF of what was shown and answered (``sub``: a ``confirmations.Submission``)."""
    cur = st.currency
    local = at.astimezone(SHANGHAI)
    return statement_pdf(
        {
            "title": "对账确认函（在线）",
            "intro": f"债权人 {st.creditor} 与债务人 {st.debtor} 截至 {st.as_of} 的往来欠款明细如下：",
            "headers": ["发票号", "开票日", "到期日", "金额", "已付", "尚欠"],
            "rows": [
                [
                    i.invoice_no,
                    str(i.issue_date),
                    str(i.due_date),
                    format_money(i.amount, cur),
                    format_money(i.paid, cur),
                    format_money(i.left, cur),
                ]  # fmt: skip
                for i in st.items
            ],
            "total_line": f"尚欠金额合计：{format_money(st.total, cur)}",
            "answer": [
                ("答复", ConfirmationDecision(sub.decision).label),
                ("确认人", sub.name),
                ("说明", sub.reason or "无"),
            ],
            "record": [
                ("提交时间", f"{local:%Y-%m-%d %H:%M:%S}（北京时间）"),
                ("IP 地址", sub.ip_address or "未知"),
                ("浏览器", sub.user_agent or "未知"),
                ("页面 SHA-256", sub.page_sha256),
                ("对账链接编号", str(link_id)),
            ],
        }
    )
