"""Court and enforcement: court events, judgments, claims, assets, enforcement outcomes, visits."""

from __future__ import annotations

from .base import Coded


class CourtEventKind(Coded):
    FILING = "filing", "起诉/申请仲裁"
    PROCEEDINGS_ENDED = "proceedings_ended", "撤诉/驳回等程序终结"
    JUDGMENT = "judgment", "判决书（含仲裁裁决）"
    RULING = "ruling", "裁定书"
    PRESERVATION = "preservation", "财产保全措施"
    SETTLEMENT = "settlement", "执行和解"
    ENFORCEMENT_APPLIED = "enforcement_applied", "申请强制执行（法院收到申请）"
    ENFORCEMENT_TERMINATED = "enforcement_terminated", "终结（本次）执行裁定送达"
    # a mediation agreement confirmed by the court (司法确认裁定) or a mediation document
    # (调解书): an effective document, enforceable like a judgment (domain.court_fields)
    MEDIATION_CONFIRMED = "mediation_confirmed", "调解协议司法确认裁定/调解书"


class AssetKind(Coded):
    """Property under preservation; the freeze period depends on it (deadlines.FREEZE_YEARS)."""

    BANK_DEPOSIT = "bank_deposit", "银行存款"
    MOVABLE = "movable", "动产"
    REAL_ESTATE = "real_estate", "不动产"
    OTHER_RIGHT = "other_right", "其他财产权"


class AssetLeadKind(Coded):
    """An asset or lead of a debtor party in the asset register (issue 17 point 5); what it
    becomes when frozen: ``domain.deadlines.preservation.FREEZE_ASSET``."""

    BANK_ACCOUNT = "bank_account", "银行账户"
    REAL_ESTATE = "real_estate", "不动产"
    VEHICLE = "vehicle", "车辆"
    EQUIPMENT = "equipment", "机器设备"
    EQUITY = "equity", "股权"
    RECEIVABLE = "receivable", "到期债权/应收账款"
    OTHER = "other", "其他财产"


class EnforcementOutcomeKind(Coded):
    RECEIVED = "received", "执行到款"
    TERMINATED = "terminated", "终结本次执行程序（终本裁定）"
    DISHONEST = "dishonest", "纳入失信被执行人名单"
    HIGH_CONSUMPTION = "high_consumption", "限制高消费"


class VisitRole(Coded):
    """A member's role on a field visit (上门催收)."""

    LEAD = "lead", "主谈"
    LAWYER = "lawyer", "律师"
    RECORDER = "recorder", "记录/摄像"
    WITNESS = "witness", "见证"


class VisitStatus(Coded):
    PLANNED = "planned", "计划中"
    DONE = "done", "已走访"


class JudgmentKind(Coded):
    JUDGMENT = "judgment", "判决"
    RULING = "ruling", "裁定"


class ClaimEventType(Coded):
    """Facts the deadline engine reads (RULES.md section 7), labelled for the calculator."""

    DEMAND = "demand", "催告送达"
    ACKNOWLEDGMENT = "acknowledgment", "债务人同意履行"
    PART_PAYMENT = "part_payment", "部分履行"
    PROCEEDINGS_STARTED = "proceedings_started", "起诉/仲裁"
    PROCEEDINGS_ENDED = "proceedings_ended", "程序终结"
    OBSTACLE = "obstacle", "障碍（不可抗力等）"
    JUDGMENT = "judgment", "判决/裁定送达"
    SETTLEMENT = "settlement", "执行和解"
    PRESERVATION = "preservation", "保全"
    ENFORCEMENT_APPLIED = "enforcement_applied", "申请强制执行（法院收到）"
    ENFORCEMENT_TERMINATED = "enforcement_terminated", "终结（本次）执行裁定送达"


class ProceedingsOutcome(Coded):
    """How proceedings ended without a judgment (RULES.md section 7, ``proceedings_ended``)."""

    WITHDRAWN = "withdrawn", "撤诉/撤回仲裁申请"
    DISMISSED = "dismissed", "驳回起诉"


COURT_EVENT_KINDS = CourtEventKind.labels()
ASSET_KINDS = AssetKind.labels()
ASSET_LEAD_KINDS = AssetLeadKind.labels()
ENFORCEMENT_OUTCOME_KINDS = EnforcementOutcomeKind.labels()
VISIT_ROLES = VisitRole.labels()
VISIT_STATUSES = VisitStatus.labels()
JUDGMENT_KINDS = JudgmentKind.labels()
CLAIM_EVENT_TYPES = ClaimEventType.labels()
