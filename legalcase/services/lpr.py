"""The one-year LPR table: the values shipped with the package, updated by `legalcase lpr import`."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.interest import LprTable
from legalcase.models import LprRate
from legalcase.models.base import utcnow


def parse_lpr_csv(text: str) -> list[tuple[date, Decimal]]:
    """Rows of ``effective_date,one_year_percent``; every bad line is reported with its number."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"effective_date", "one_year_percent"} <= set(
        reader.fieldnames
    ):
        raise ValidationFailed({"header": "首行应为 effective_date,one_year_percent"})
    rows, errors = [], {}
    for line, row in enumerate(reader, start=2):
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
def _shipped() -> tuple[tuple[date, Decimal], ...]:
    return tuple(
        parse_lpr_csv(files("legalcase.data").joinpath("lpr.csv").read_text(encoding="utf-8"))
    )


def shipped_rows() -> list[tuple[date, Decimal]]:
    """The values that ship with the package (read once)."""
    return list(_shipped())


def lpr_table(session: Session | None = None) -> LprTable:
    """The shipped table, overlaid by the rows imported into the database (if there is one)."""
    rows = dict(shipped_rows())
    if session is not None and inspect(session.connection()).has_table(LprRate.__tablename__):
        # (a calculator may run before the database was ever migrated)
        for r in session.scalars(select(LprRate)):
            rows[r.effective_date] = r.one_year_percent
    return LprTable(list(rows.items()))


def import_lpr(session: Session, text: str) -> tuple[int, int]:
    """Add or correct LPR values; returns (added, changed). All or nothing."""
    rows = parse_lpr_csv(text)
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
    session.flush()
    return added, changed
