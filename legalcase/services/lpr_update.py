"""Updating the LPR table from a file (the command line and 设置 → LPR): the rows and the
date checked through, and the stored amount owed of the cases that depend on the table."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from .check import fix
from .lpr import LprImport, import_lpr
from .owed import statutory_case_ids


def update_lpr(
    session: Session, text: str, checked: date | None = None, source: str = "", actor_id=None
) -> LprImport:
    """All or nothing, in the caller's unit of work. A ``statutory`` case's payments go to
    interest first, so its stored amount owed follows the table (RULES.md s.6): corrected
    with an audit row where it moved."""
    done = import_lpr(session, text, checked, source=source)
    fix(session, statutory_case_ids(session), actor_id=actor_id)
    return done
