"""Generating letters and filings from a case: data, preconditions, numbers, storage, sending.

One module per area; the public names are re-exported here, so callers write
``from legalcase.services import documents as docs; docs.generate(...)``. Note that
``docs.generate`` is the function: reach the module as ``legalcase.services.documents.generate``
through ``importlib`` or ``from legalcase.services.documents.generate import ...``.
"""

from __future__ import annotations

from .batch import (
    BATCH_TYPES,
    BatchInclude,
    batch_cases,
    batch_letter,
    batch_types,
    batch_zip,
    check_batch_type,
    pick_batch,
    require_pdf,
    visible_cases,
)
from .context import (
    document_context,
    firm_profile,
    missing_for,
    party_data,
    seal_image,
)
from .delivery import mark_sent
from .generate import case_documents, generate, pdf_for
from .numbering import next_letter_number
from .templates import (
    TEMPLATE_MAX_BYTES,
    current_template,
    preview_template,
    restore_template,
    sample_context,
    template_file,
    template_versions,
    upload_template,
)

__all__ = [
    "BATCH_TYPES",
    "BatchInclude",
    "TEMPLATE_MAX_BYTES",
    "batch_cases",
    "batch_letter",
    "batch_types",
    "batch_zip",
    "check_batch_type",
    "pick_batch",
    "require_pdf",
    "visible_cases",
    "case_documents",
    "current_template",
    "document_context",
    "firm_profile",
    "generate",
    "mark_sent",
    "missing_for",
    "next_letter_number",
    "party_data",
    "pdf_for",
    "preview_template",
    "restore_template",
    "sample_context",
    "seal_image",
    "template_file",
    "template_versions",
    "upload_template",
]
