"""The value lists of the system, each defined once: the code stored in the database and the
Chinese label shown for it.

Each list is a ``Coded`` enum (``Channel.CALL == "call"``, ``Channel.CALL.label == "电话"``)
and a plain ``{code: label}`` dict of it (``CHANNELS``) for forms, templates and look-ups.
Schemas, templates, the deadline engine, services and seed data take their codes from here.
Stages and roles live in ``stages.py`` and ``roles.py`` (their rules are there) and are
re-exported below.
"""

from __future__ import annotations

from enum import StrEnum

from .promises import PROMISE_LABELS, PromiseStatus
from .roles import ROLE_LABELS, Role
from .stages import STAGE_LABELS, Stage


class Coded(StrEnum):
    """A code with its label: ``CALL = "call", "电话"``."""

    label: str

    def __new__(cls, code: str, label: str) -> Coded:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[str, str]:
        """``{code: label}`` in the order of definition."""
        return {m.value: m.label for m in cls}


class PartyKind(Coded):
    COMPANY = "company", "企业"
    PERSON = "person", "自然人"


class Sex(Coded):
    MALE = "male", "男"
    FEMALE = "female", "女"


class IdType(Coded):
    """The identity document of a natural person."""

    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_PERMIT = "hk_macao_permit", "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "taiwan_permit", "台湾居民来往大陆通行证"
    HMT_RESIDENCE = "hmt_residence", "港澳台居民居住证"
    FOREIGN_PERMANENT = "foreign_permanent", "外国人永久居留身份证"
    OTHER = "other", "其他证件"


# The 56 ethnic groups in the order and with the codes of GB/T 3304.
_ETHNIC_NAMES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 "
    "怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
Ethnicity = Coded(
    "Ethnicity",
    [(f"E{n:02d}", (f"{n:02d}", f"{name}族")) for n, name in enumerate(_ETHNIC_NAMES, start=1)],
)


class Relation(Coded):
    SELF = "self", "本人/企业本身"
    LEGAL_REP = "legal_rep", "法定代表人"
    FINANCE = "finance", "财务人员"
    STAFF = "staff", "其他员工"
    RELATIVE = "relative", "亲属"
    WORK_SITE = "work_site", "工作地点"
    OTHER = "other", "其他"


class ContractKind(Coded):
    SALE = "sale", "买卖合同"
    FINANCING = "financing", "融资合同"
    LEASE = "lease", "租赁合同"
    LOAN = "loan", "借款合同"


class LateFeeType(Coded):
    NONE = "none", "未约定"
    DAILY_RATE = "daily_rate", "按日利率（%）"
    ANNUAL_RATE = "annual_rate", "按年利率（%）"
    FIXED_PENALTY = "fixed_penalty", "固定违约金"


class Jurisdiction(Coded):
    """Governing law of a contract; the deadline engine has a limitation rule for each."""

    CN = "CN", "中国法"
    CN_INTL_SALE = "CN-INTL-SALE", "中国法（国际货物买卖）"
    DE = "DE", "德国法"
    GB_EW = "GB-EW", "英格兰法"
    FR = "FR", "法国法"
    JP = "JP", "日本法"
    HK = "HK", "香港法"
    SG = "SG", "新加坡法"
    US_NY = "US-NY", "美国纽约州法"
    US_CA = "US-CA", "美国加州法"


class DisputeKind(Coded):
    COURT = "court", "法院诉讼"
    ARBITRATION = "arbitration", "仲裁"


class GuaranteeType(Coded):
    NONE = "none", "无保证"
    JOINT = "joint", "连带责任保证"
    GENERAL = "general", "一般保证"


class RiskLevel(Coded):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


class Channel(Coded):
    CALL = "call", "电话"
    SMS = "sms", "短信"
    EMAIL = "email", "邮件"
    LETTER = "letter", "信函"
    VISIT = "visit", "上门拜访"
    MEETING = "meeting", "会谈"


class Outcome(Coded):
    REACHED = "reached", "已联系上"
    NO_ANSWER = "no_answer", "未接通/未回复"
    PROMISED = "promised", "承诺还款"
    DISPUTED = "disputed", "对欠款有异议"
    REFUSED = "refused", "拒绝付款"
    PAID = "paid", "已付款"


class NonPaymentReason(Coded):
    DISPUTE = "dispute", "有争议"
    CASH_FLOW = "cash_flow", "资金周转困难"
    HABIT = "habit", "习惯性拖欠"
    BUSINESS_TROUBLE = "business_trouble", "经营困难"
    BAD_FAITH = "bad_faith", "恶意逃债"


class LegalEffect(Coded):
    """What a ledger entry means for limitation."""

    NONE = "none", "无"
    DEMAND = "demand", "催告（主张权利，自送达之日起中断时效）"
    ACKNOWLEDGMENT = "acknowledgment", "债务人同意履行（对账确认、还款计划、请求延期等）"


class Addressee(Coded):
    DEBTOR = "debtor", "债务人"
    GUARANTOR = "guarantor", "保证人"


class PaymentMethod(Coded):
    BANK = "bank", "银行转账"
    CASH = "cash", "现金"
    BILL = "bill", "票据"
    OFFSET = "offset", "抵销"
    OTHER = "other", "其他"


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


class EvidenceKind(Coded):
    CONTRACT = "contract", "合同/订单"
    DELIVERY = "delivery", "送货单/验收单"
    INVOICE = "invoice", "发票"
    STATEMENT = "statement", "对账单（债务人签章）"
    PAYMENT_RECORD = "payment_record", "付款记录/银行流水"
    CALL_RECORDING = "call_recording", "通话录音"
    EMAIL = "email", "电子邮件"
    LETTER = "letter", "函件"
    DELIVERY_PROOF = "delivery_proof", "送达凭证（快递签收等）"
    ACKNOWLEDGMENT = "acknowledgment", "欠条/还款计划/确认函"
    JUDGMENT = "judgment", "判决书/裁定书"
    PRESERVATION_RULING = "preservation_ruling", "保全裁定"
    ASSET_LEAD = "asset_lead", "财产线索"
    IDENTITY = "identity", "主体资格证明（营业执照/身份证件）"
    OTHER = "other", "其他"


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


class OriginalOrCopy(Coded):
    """What the court is shown of an evidence item (证据目录: 原件/复印件)."""

    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    ELECTRONIC = "electronic", "电子数据（原始载体可供核对）"


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


class Allocation(Coded):
    """How a case's payments are applied (RULES.md section 6), a setting of the case."""

    BOOKED = "booked", "按入账冲抵（回款冲减所入账的应收款）"
    STATUTORY = "statutory", "法定顺序冲抵（费用→利息→本金，民法典第560、561条）"


class ProceedingsOutcome(Coded):
    """How proceedings ended without a judgment (RULES.md section 7, ``proceedings_ended``)."""

    WITHDRAWN = "withdrawn", "撤诉/撤回仲裁申请"
    DISMISSED = "dismissed", "驳回起诉"


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


PARTY_KINDS = PartyKind.labels()
RELATIONS = Relation.labels()
SEXES = Sex.labels()
ID_TYPES = IdType.labels()
ETHNICITIES = Ethnicity.labels()
CONTRACT_KINDS = ContractKind.labels()
LATE_FEE_TYPES = LateFeeType.labels()
JURISDICTIONS = Jurisdiction.labels()
DISPUTE = DisputeKind.labels()
# The same codes name the body a case is before (cases.forum_kind).
FORUM_KINDS = {DisputeKind.COURT.value: "法院", DisputeKind.ARBITRATION.value: "仲裁机构"}
GUARANTEE_TYPES = GuaranteeType.labels()
RISK = RiskLevel.labels()
CHANNELS = Channel.labels()
# Channels by which a demand reaches the debtor the moment it is made.
ORAL_CHANNELS = frozenset({Channel.CALL, Channel.VISIT, Channel.MEETING})
# How a generated letter went out.
SEND_CHANNELS = {
    Channel.LETTER.value: "邮寄/快递",
    Channel.EMAIL.value: "电子邮件",
    Channel.VISIT.value: "当面送达",
}
OUTCOMES = Outcome.labels()
NON_PAYMENT_REASONS = NonPaymentReason.labels()
LEGAL_EFFECTS = LegalEffect.labels()
LEGAL_EFFECT_SHORT = {
    LegalEffect.NONE.value: "",
    LegalEffect.DEMAND.value: "催告",
    LegalEffect.ACKNOWLEDGMENT.value: "债务人同意履行（中断时效）",
}
ADDRESSEES = Addressee.labels()
PAYMENT_METHODS = PaymentMethod.labels()
COURT_EVENT_KINDS = CourtEventKind.labels()
ASSET_KINDS = AssetKind.labels()
EVIDENCE_KINDS = EvidenceKind.labels()
ORIGINAL_OR_COPY = OriginalOrCopy.labels()
ASSET_LEAD_KINDS = AssetLeadKind.labels()
ENFORCEMENT_OUTCOME_KINDS = EnforcementOutcomeKind.labels()
VISIT_ROLES = VisitRole.labels()
VISIT_STATUSES = VisitStatus.labels()
JUDGMENT_KINDS = JudgmentKind.labels()
CLAIM_EVENT_TYPES = ClaimEventType.labels()
ALLOCATIONS = Allocation.labels()
SEARCH_KINDS = {
    "case": "案件",
    "party": "当事人",
    "contact": "联系人",
    "invoice": "发票",
    "contract": "合同",
}
STAGES = {s.value: label for s, label in STAGE_LABELS.items()}
ROLES = {r.value: label for r, label in ROLE_LABELS.items()}
PROMISE_STATUSES = {s.value: label for s, label in PROMISE_LABELS.items()}
DISPUTE_REASONS = DisputeReason.labels()
DISPUTE_STATUSES = DisputeStatus.labels()
CONFIRMATION_DECISIONS = ConfirmationDecision.labels()
# A background job's status (legalcase.models.jobs.Job.status).
JOB_STATUSES = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败"}

__all__ = [
    "ADDRESSEES",
    "ALLOCATIONS",
    "ASSET_KINDS",
    "ASSET_LEAD_KINDS",
    "ENFORCEMENT_OUTCOME_KINDS",
    "VISIT_ROLES",
    "VISIT_STATUSES",
    "AssetLeadKind",
    "EnforcementOutcomeKind",
    "VisitRole",
    "VisitStatus",
    "CHANNELS",
    "CLAIM_EVENT_TYPES",
    "CONTRACT_KINDS",
    "COURT_EVENT_KINDS",
    "DISPUTE",
    "ETHNICITIES",
    "EVIDENCE_KINDS",
    "FORUM_KINDS",
    "GUARANTEE_TYPES",
    "ID_TYPES",
    "JOB_STATUSES",
    "JUDGMENT_KINDS",
    "JURISDICTIONS",
    "LATE_FEE_TYPES",
    "LEGAL_EFFECTS",
    "LEGAL_EFFECT_SHORT",
    "NON_PAYMENT_REASONS",
    "ORAL_CHANNELS",
    "ORIGINAL_OR_COPY",
    "OUTCOMES",
    "PARTY_KINDS",
    "PAYMENT_METHODS",
    "PROMISE_LABELS",
    "PROMISE_STATUSES",
    "RELATIONS",
    "RISK",
    "ROLES",
    "ROLE_LABELS",
    "SEND_CHANNELS",
    "SEXES",
    "STAGES",
    "STAGE_LABELS",
    "Addressee",
    "Allocation",
    "AssetKind",
    "Channel",
    "ClaimEventType",
    "Coded",
    "ContractKind",
    "CourtEventKind",
    "DisputeKind",
    "Ethnicity",
    "EvidenceKind",
    "GuaranteeType",
    "IdType",
    "JudgmentKind",
    "Jurisdiction",
    "LateFeeType",
    "LegalEffect",
    "NonPaymentReason",
    "OriginalOrCopy",
    "Outcome",
    "PartyKind",
    "PaymentMethod",
    "ProceedingsOutcome",
    "PromiseStatus",
    "Relation",
    "RiskLevel",
    "Sex",
    "Role",
    "Stage",
]
PLAN_STATUSES = PlanStatus.labels()
INSTALMENT_STATUSES = InstalmentStatus.labels()
WAIVER_KINDS = WaiverKind.labels()
WAIVER_STATUSES = WaiverStatus.labels()
MEDIATION_OUTCOMES = MediationOutcome.labels()


class TimestampStatus(Coded):
    """An RFC 3161 timestamp of a stored object (issue 16 point 1)."""

    OK = "ok", "已加时间戳"
    PENDING = "pending", "待补时间戳"
    FAILED = "failed", "时间戳无效"


class TimestampedKind(Coded):
    """What a timestamp is about."""

    EVIDENCE = "evidence", "证据"
    DOCUMENT = "document", "文书"
    BUNDLE = "bundle", "证据册"


TIMESTAMP_STATUSES = TimestampStatus.labels()
TIMESTAMPED_KINDS = TimestampedKind.labels()
