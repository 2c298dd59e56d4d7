"""Evidence: upload (hashed as it arrives, checked, stored under its hash), custody, verification
and storage reconciliation, bundles, and e-mails as demands. One module per part; the names
used elsewhere are here."""

from __future__ import annotations

from .bundles import build_case_bundle, check_bundle_items
from .custody import (
    custody,
    mismatch_message,
    record_access,
    record_check,
    record_failed_download,
    withdraw,
)
from .email import demand_addressee, email_recipients, record_email_as_demand
from .links import EntryProof, Proof, link_evidence, proofs_by_entry, unlink_evidence
from .meta import update_evidence_meta
from .page import EvidencePage, evidence_page
from .reconcile import Orphan, Reconciliation, find_orphans, reconcile
from .upload import (
    HELD_STAGES,
    Checked,
    add_evidence,
    check_upload,
    detect,
    hold_case_evidence,
    inspect_pdf,
    object_key,
)
from .verify import ObjectProblem, VerifyResult, check_object, verify

__all__ = [
    "HELD_STAGES",
    "Checked",
    "EntryProof",
    "EvidencePage",
    "ObjectProblem",
    "Proof",
    "Orphan",
    "Reconciliation",
    "VerifyResult",
    "add_evidence",
    "build_case_bundle",
    "check_bundle_items",
    "check_object",
    "check_upload",
    "custody",
    "demand_addressee",
    "detect",
    "email_recipients",
    "evidence_page",
    "find_orphans",
    "hold_case_evidence",
    "inspect_pdf",
    "link_evidence",
    "mismatch_message",
    "object_key",
    "proofs_by_entry",
    "reconcile",
    "record_access",
    "record_check",
    "record_email_as_demand",
    "withdraw",
    "record_failed_download",
    "unlink_evidence",
    "update_evidence_meta",
    "verify",
]
