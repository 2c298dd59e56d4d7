"""Settling a debt: disputes, online confirmations, repayment plans, waivers, mediation, jobs."""

from __future__ import annotations

from .base import Coded


class DisputeReason(Coded):
    """Why the debtor disputes a receivable (issue 16 point 3)."""

    QUALITY = "quality", "质量异议"
    QUANTITY = "quantity", "数量异议"
    PRICE = "price", "价格异议"
    NOT_DELIVERED = "not_delivered", "未收到货物/服务"
    ALREADY_PAID = "already_paid", "已经付款"
    OTHER = "other", "其他"


class DisputeStatus(Coded):
    OPEN = "open", "处理中（暂停催收）"
    UPHELD = "upheld", "异议成立（已调减应收款）"
    REJECTED = "rejected", "异议不成立（恢复催收）"


class ConfirmationDecision(Coded):
    """The debtor's answer on the online statement (对账确认)."""

    CONFIRM = "confirm", "确认无误"
    DISPUTE = "dispute", "有异议"


class PlanStatus(Coded):
    """A repayment plan (还款协议) as its instalments and payments make it (domain.plans)."""

    ACTIVE = "active", "履行中"
    COMPLETED = "completed", "已履行完毕"
    ACCELERATED = "accelerated", "违约，余额加速到期"
    CANCELLED = "cancelled", "已取消"  # closed by a user, with a reason (services.plan_cancel)


class InstalmentStatus(Coded):
    """One instalment of a repayment plan against the payments (domain.plans)."""

    OPEN = "open", "待还"
    GRACE = "grace", "已逾期（宽限期内）"
    KEPT = "kept", "按期履行"
    LATE = "late", "逾期履行（宽限期内付清）"
    BROKEN = "broken", "违约"


class WaiverKind(Coded):
    """What a waiver (减免) may reduce; principal never (domain.waivers)."""

    PENALTY_INTEREST = "penalty_interest", "罚息/逾期利息"
    LATE_FEE = "late_fee", "违约金"
    COSTS = "costs", "费用"
    PRINCIPAL = "principal", "本金（不得减免）"


class WaiverStatus(Coded):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准（已生效）"
    REJECTED = "rejected", "已驳回"


class MediationOutcome(Coded):
    """How a pre-suit mediation (诉前调解) ended."""

    PENDING = "pending", "调解中"
    AGREED = "agreed", "达成调解协议"
    CONFIRMED = "confirmed", "调解协议已司法确认"
    FAILED = "failed", "调解不成"
    WITHDRAWN = "withdrawn", "撤回调解申请"


DISPUTE_REASONS = DisputeReason.labels()
DISPUTE_STATUSES = DisputeStatus.labels()
CONFIRMATION_DECISIONS = ConfirmationDecision.labels()
# A background job's status (legalcase.models.jobs.Job.status).
JOB_STATUSES = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}
PLAN_STATUSES = PlanStatus.labels()
INSTALMENT_STATUSES = InstalmentStatus.labels()
WAIVER_KINDS = WaiverKind.labels()
WAIVER_STATUSES = WaiverStatus.labels()
MEDIATION_OUTCOMES = MediationOutcome.labels()
