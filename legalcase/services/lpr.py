"""The one-year LPR table: the values shipped with the package, updated by `legalcase lpr import`,
and the date it was checked through (RULES.md section 6: ``lpr_table_stale``)."""

from __future__ import annotations

import csv
import io
import weakref
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import func, inspect, literal, null, select, union_all
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.interest import LprTable
from legalcase.models import LprCheck, LprRate
from legalcase.models.base import utcnow

CHECKED_THROUGH = "checked_through"


def parse_lpr_file(text: str) -> tuple[list[tuple[date, Decimal]], date | None]:
    """The rows and the ``# checked_through: YYYY-MM-DD`` comment, if any, from the lines
    before the header (how far the table was checked against the published rates)."""
    lines = text.splitlines(keepends=True)
    skipped, checked = 0, None
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        key, _, value = lines[skipped].lstrip().lstrip("#").partition(":")
        if key.strip() == CHECKED_THROUGH:
            try:
                checked = date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationFailed(
                    {f"line {skipped + 1}": f"checked_through 日期无效：{value.strip()!r}"}
                ) from None
        skipped += 1
    return parse_lpr_csv("".join(lines[skipped:]), first_line=skipped + 1), checked


def parse_lpr_csv(text: str, first_line: int = 1) -> list[tuple[date, Decimal]]:
    """Rows of ``effective_date,one_year_percent``; every bad line is reported with its number."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"effective_date", "one_year_percent"} <= set(
        reader.fieldnames
    ):
        raise ValidationFailed({"header": "首行应为 effective_date,one_year_percent"})
    rows, errors = [], {}
    for line, row in enumerate(reader, start=first_line + 1):
        try:
            day = date.fromisoformat((row["effective_date"] or "").strip())
        except ValueError:
            errors[f"line {line}"] = f"日期无效：{row['effective_date']!r}"
            continue
        try:
            rate = Decimal((row["one_year_percent"] or "").strip())
            if not rate.is_finite() or not Decimal(0) < rate < Decimal(20):
                raise InvalidOperation
        except InvalidOperation:
            errors[f"line {line}"] = f"利率应为 0 到 20 之间的百分数：{row['one_year_percent']!r}"
            continue
        rows.append((day, rate))
    if len({d for d, _ in rows}) != len(rows):
        errors["effective_date"] = "同一日期出现多次"
    if errors:
        raise ValidationFailed(errors)
    if not rows:
        raise ValidationFailed({"file": "文件中没有数据行"})
    return rows


@lru_cache(maxsize=1)
def _shipped() -> tuple[tuple[tuple[date, Decimal], ...], date | None]:
    rows, checked = parse_lpr_file(
        files("legalcase.data").joinpath("lpr.csv").read_text(encoding="utf-8")
    )
    return tuple(rows), checked


def shipped_rows() -> list[tuple[date, Decimal]]:
    """The values that ship with the package (read once)."""
    return list(_shipped()[0])


def shipped_checked_through() -> date | None:
    """How far the shipped values were checked (the ``# checked_through`` line of lpr.csv)."""
    return _shipped()[1]


_TABLES = {LprRate.__tablename__, LprCheck.__tablename__}


_READY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> True


def _ready(session: Session) -> bool:
    """Whether the database has the LPR tables (a calculator may run before it was migrated).
    Once they are there they stay: remembered per engine, so a page asks only once."""
    engine = session.get_bind()
    if _READY.get(engine):
        return True
    ready = _TABLES <= set(inspect(session.connection()).get_table_names())
    if ready:
        _READY[engine] = True
    return ready


def _latest(*days: date | None) -> date | None:
    known = [d for d in days if d is not None]
    return max(known) if known else None


def checked_through(session: Session | None = None) -> date | None:
    """The latest date the table was checked through: shipped, or recorded by an import."""
    if session is None or not _ready(session):
        return shipped_checked_through()
    recorded = session.scalar(select(func.max(LprCheck.checked_through)))
    return _latest(shipped_checked_through(), recorded)


def lpr_table(session: Session | None = None) -> LprTable:
    """The shipped table, overlaid by the rows imported into the database (if there is one),
    and the day it is checked through. One query (the rows and the latest check together)."""
    rows = dict(shipped_rows())
    checked = shipped_checked_through()
    if session is not None and _ready(session):
        rates = select(
            LprRate.effective_date.label("day"),
            LprRate.one_year_percent.label("rate"),
            literal(False).label("check"),
        )
        checks = select(
            func.max(LprCheck.checked_through).label("day"),
            null().label("rate"),
            literal(True).label("check"),
        )
        for day, rate, is_check in session.execute(union_all(rates, checks)):
            if is_check:
                checked = _latest(checked, _as_date(day))
            else:
                rows[_as_date(day)] = Decimal(str(rate))
    return LprTable(list(rows.items()), checked)


def _as_date(value) -> date | None:
    """A date from a UNION column (SQLite returns the ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass
class LprImport:
    added: int
    changed: int
    checked_through: date | None  # as recorded by this import (None: not moved)


def import_lpr(
    session: Session, text: str, checked: date | None = None, source: str = ""
) -> LprImport:
    """Add or correct LPR values, and record how far the table is now checked. All or nothing.

    The date checked is ``checked``, else the file's ``# checked_through`` line, else the
    file's latest effective date (a file is at least checked up to its last row)."""
    rows, in_file = parse_lpr_file(text)
    existing = {r.effective_date: r for r in session.scalars(select(LprRate))}
    shipped = dict(shipped_rows())
    added = changed = 0
    for day, rate in rows:
        row = existing.get(day)
        if row is None:
            if shipped.get(day) == rate:
                continue
            session.add(LprRate(effective_date=day, one_year_percent=rate, created_at=utcnow()))
            added += 1
        elif row.one_year_percent != rate:
            row.one_year_percent = rate
            changed += 1
    through = checked or in_file or max(day for day, _ in rows)
    before = checked_through(session)
    recorded = None
    if before is None or through > before:
        session.add(LprCheck(checked_through=through, source=source[:200], created_at=utcnow()))
        recorded = through
    session.flush()
    return LprImport(added, changed, recorded)
