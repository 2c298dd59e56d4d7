"""SQLAlchemy 2 typed models; import this package to register every table."""

from .alerts import AlertDelivery
from .allocation import AllocationLog, AllocationRule, CollectorCapacity
from .assets import Asset, AssetFreeze, EnforcementOutcome
from .audit import AuditEntry
from .base import Base
from .cases import Case, Contract, ContractGuarantee, StageChange
from .confirmations import Confirmation
from .deadlines import CaseDeadline, CourtEvent, LprRate
from .disputes import Dispute
from .documents import GeneratedDocument, LetterCounter, TemplateVersion
from .evidence import CustodyEvent, EvidenceBundle, EvidenceItem
from .jobs import Job, JobItem, ScheduleState
from .ledger import LedgerEntry, LedgerEntryReceivable, Promise
from .lpr import LprCheck
from .mediation import Mediation, MediationSession
from .packages import FilingPackage, FilingPackageItem
from .parties import Contact, Party
from .plans import PlanInstalment, RepaymentPlan
from .propensity import CollectorTarget, PropensityModel, RiskSegment
from .receivables import Instalment, Payment, PaymentAllocation, Receivable
from .search_indexes import TRIGRAM_INDEXES  # noqa: F401 (PostgreSQL text search indexes)
from .security import SecurityEvent
from .settings import FirmProfile, LadderRung
from .tasks import Task, TaskComment
from .timestamps import Timestamp
from .users import ApiToken, Creditor, User
from .visits import Visit, VisitMember, VisitPhoto
from .waivers import Waiver, WaiverLimit

__all__ = [
    "Mediation",
    "MediationSession",
    "PlanInstalment",
    "RepaymentPlan",
    "Waiver",
    "WaiverLimit",
    "Asset",
    "AssetFreeze",
    "EnforcementOutcome",
    "FilingPackage",
    "FilingPackageItem",
    "Visit",
    "VisitMember",
    "VisitPhoto",
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
    "CollectorTarget",
    "Contact",
    "Contract",
    "ContractGuarantee",
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
    "Job",
    "JobItem",
    "LadderRung",
    "LedgerEntry",
    "LedgerEntryReceivable",
    "LprCheck",
    "LprRate",
    "Party",
    "Payment",
    "PaymentAllocation",
    "Promise",
    "PropensityModel",
    "Receivable",
    "RiskSegment",
    "ScheduleState",
    "SecurityEvent",
    "StageChange",
    "Task",
    "TaskComment",
    "TemplateVersion",
    "Timestamp",
    "User",
]
