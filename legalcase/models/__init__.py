"""SQLAlchemy 2 typed models; import this package to register every table."""

from .alerts import AlertDelivery
from .allocation import AllocationLog, AllocationRule, CollectorCapacity
from .audit import AuditEntry
from .base import Base
from .cases import Case, Contract, StageChange
from .confirmations import Confirmation
from .deadlines import CaseDeadline, CourtEvent, LprRate
from .disputes import Dispute
from .documents import GeneratedDocument, LetterCounter, TemplateVersion
from .evidence import CustodyEvent, EvidenceBundle, EvidenceItem
from .ledger import LedgerEntry, LedgerEntryReceivable, Promise
from .lpr import LprCheck
from .parties import Contact, Party
from .receivables import Instalment, Payment, PaymentAllocation, Receivable
from .security import SecurityEvent
from .settings import FirmProfile, LadderRung
from .tasks import Task, TaskComment
from .timestamps import Timestamp
from .users import ApiToken, Creditor, User

__all__ = [
    "AlertDelivery",
    "AllocationLog",
    "AllocationRule",
    "CollectorCapacity",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Case",
    "CaseDeadline",
    "Confirmation",
    "Contact",
    "Contract",
    "CourtEvent",
    "CustodyEvent",
    "Dispute",
    "EvidenceBundle",
    "EvidenceItem",
    "FirmProfile",
    "GeneratedDocument",
    "LetterCounter",
    "Creditor",
    "Instalment",
    "LadderRung",
    "LedgerEntry",
    "LedgerEntryReceivable",
    "LprCheck",
    "LprRate",
    "Party",
    "Payment",
    "PaymentAllocation",
    "Promise",
    "Receivable",
    "SecurityEvent",
    "StageChange",
    "Task",
    "TaskComment",
    "TemplateVersion",
    "Timestamp",
    "User",
]
