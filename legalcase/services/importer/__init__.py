"""Import of an ERP aging ledger (CSV or XLSX): a dry run first, then all or nothing.

``read_table`` and ``plan`` (the dry run) are in ``.plan``; ``apply`` (the import, through
the same services as the screens) in ``.write``.
"""

from __future__ import annotations

from .plan import MAX_ROWS, Plan, plan, read_table
from .write import apply, refuse_bad_rows, require_importer

__all__ = ["MAX_ROWS", "Plan", "apply", "plan", "read_table", "refuse_bad_rows", "require_importer"]
