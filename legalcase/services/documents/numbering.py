"""Letter numbers (律函编号): one counter per firm code and year, gap-free.

The number is taken in the caller's transaction: the counter row stays locked until the
caller's unit of work ends, and a rollback returns the number, so no number is skipped.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legalcase.models import LetterCounter


def format_number(firm_code: str, year: int, number: int) -> str:
    return f"{firm_code}〔{year}〕第{number:04d}号"


def next_letter_number(session: Session, firm_code: str, year: int) -> str:
    """Take the next number in the caller's transaction: gap-free, since a rollback returns it."""
    table = LetterCounter.__table__
    stmt = (
        update(table)
        .where(table.c.firm_code == firm_code, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    )
    number = session.execute(stmt).scalar()
    if number is None:
        try:
            with session.begin_nested():
                session.execute(insert(table).values(firm_code=firm_code, year=year, last_number=1))
            number = 1
        except IntegrityError:  # someone created this year's counter at the same moment
            number = session.execute(stmt).scalar()
    return format_number(firm_code, year, number)
