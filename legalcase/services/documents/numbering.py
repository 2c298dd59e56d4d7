"""Letter numbers: one gap-free series per issuer and year (DOCUMENTS.md v2).

The law firm's 律函 series (``FIRM_CODE〔2026〕第0001号``) is for lawyer's letters only; each
creditor's own letters (催款函, 对账确认函, 还款协议) carry the creditor's series
(``华东建机催〔2026〕第0007号``); court filings (起诉状, 保全申请书, 执行申请书) carry none.

The number is taken in the caller's transaction: the counter row stays locked until the
caller's unit of work ends, and a rollback returns the number, so no number is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from legalcase.models import Creditor, LetterCounter

from ..scope import UNSCOPED

FIRM = "firm"
# which series each document type is numbered in
FIRM_LETTERS = frozenset({"lawyer_letter"})
CREDITOR_LETTERS = frozenset({"reminder_30", "reminder_60", "statement", "repayment_agreement"})
COURT_FILINGS = frozenset({"complaint", "preservation_application", "enforcement_application"})

_COMPANY_SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司)$")


@dataclass(frozen=True)
class Issuer:
    """Who numbers a document: ``key`` names the series, ``code`` is printed before the year."""

    key: str
    code: str
    name: str


def format_number(code: str, year: int, number: int) -> str:
    return f"{code}〔{year}〕第{number:04d}号"


def creditor_letter_code(creditor: Creditor) -> str:
    """The creditor's letter code; without one set, its name's first four characters + 函,
    or, where another creditor's code or name gives the same (a group's subsidiaries often
    share the first characters), those characters + its id + 函: two issuers never print the
    same number."""
    if creditor.letter_code:
        return creditor.letter_code
    base = _COMPANY_SUFFIX.sub("", creditor.name)[:4]
    session = object_session(creditor)
    if session is not None:
        others = session.execute(
            select(Creditor.letter_code, Creditor.name)
            .where(Creditor.id != creditor.id)
            .execution_options(**UNSCOPED)  # every creditor, whatever the user may see
        ).all()
        taken = {code for code, _ in others if code} | {
            _COMPANY_SUFFIX.sub("", name)[:4] + "函" for code, name in others if not code
        }
        if base + "函" in taken:
            return f"{base}{creditor.id}函"
    return base + "函"


def issuer_for(doc_type: str, creditor: Creditor, firm_code: str, firm_name: str = "") -> Issuer:
    """The issuer of ``doc_type``: the firm, the case's creditor, or the court filing's
    party (key ``""``: no number)."""
    if doc_type in FIRM_LETTERS:
        return Issuer(FIRM, firm_code, firm_name)
    if doc_type in CREDITOR_LETTERS:
        return Issuer(f"creditor:{creditor.id}", creditor_letter_code(creditor), creditor.name)
    return Issuer("", "", creditor.name)


def next_number(session: Session, issuer: Issuer, year: int) -> str | None:
    """Take the next number of ``issuer``'s series in the caller's transaction (gap-free,
    since a rollback returns it); ``None`` for a court filing."""
    if not issuer.key:
        return None
    table = LetterCounter.__table__
    stmt = (
        update(table)
        .where(table.c.issuer == issuer.key, table.c.year == year)
        .values(last_number=table.c.last_number + 1, firm_code=issuer.code)
        .returning(table.c.last_number)
    )
    number = session.execute(stmt).scalar()
    if number is None:
        try:
            with session.begin_nested():
                session.execute(
                    insert(table).values(
                        issuer=issuer.key, firm_code=issuer.code, year=year, last_number=1
                    )
                )
            number = 1
        except IntegrityError:  # someone created this year's counter at the same moment
            number = session.execute(stmt).scalar()
    return format_number(issuer.code, year, number)


def next_letter_number(session: Session, firm_code: str, year: int) -> str:
    """The next number of the law firm's 律函 series."""
    number = next_number(session, Issuer(FIRM, firm_code, ""), year)
    assert number is not None
    return number
