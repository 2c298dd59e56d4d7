"""Evidence: kinds, originals, and RFC 3161 timestamps of stored objects."""

from __future__ import annotations

from .base import Coded


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
    # the debtor's answer on the online statement link: a web click, not a signed statement
    ONLINE_CONFIRMATION = "online_confirmation", "在线对账确认（电子数据）"
    JUDGMENT = "judgment", "判决书/裁定书"
    PRESERVATION_RULING = "preservation_ruling", "保全裁定"
    ASSET_LEAD = "asset_lead", "财产线索"
    IDENTITY = "identity", "主体资格证明（营业执照/身份证件）"
    OTHER = "other", "其他"


class OriginalOrCopy(Coded):
    """What the court is shown of an evidence item (证据目录: 原件/复印件)."""

    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    ELECTRONIC = "electronic", "电子数据（原始载体可供核对）"


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


EVIDENCE_KINDS = EvidenceKind.labels()
ORIGINAL_OR_COPY = OriginalOrCopy.labels()
TIMESTAMP_STATUSES = TimestampStatus.labels()
TIMESTAMPED_KINDS = TimestampedKind.labels()
