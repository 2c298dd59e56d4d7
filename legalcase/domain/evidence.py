"""Evidence: kinds, accepted file types, and what each step of the chain needs (DOCUMENTS.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .values import EVIDENCE_KINDS

KINDS = EVIDENCE_KINDS  # kind -> label, defined in domain/values

# content type -> (label, extensions it may carry)
ALLOWED_TYPES = {
    "application/pdf": ("PDF", {".pdf"}),
    "image/jpeg": ("JPEG 图片", {".jpg", ".jpeg"}),
    "image/png": ("PNG 图片", {".png"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "Word 文档",
        {".docx"},
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("Excel 表格", {".xlsx"}),
    "message/rfc822": ("电子邮件", {".eml"}),
    "audio/mpeg": ("MP3 录音", {".mp3"}),
    "audio/mp4": ("M4A 录音", {".m4a"}),
    "audio/x-wav": ("WAV 录音", {".wav"}),
    "audio/amr": ("AMR 录音", {".amr"}),
    "text/plain": ("文本", {".txt"}),
}
PDF_ABLE = {"application/pdf", "image/jpeg", "image/png"}


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    kinds: frozenset[str]  # any one of these kinds satisfies it
    required: bool = True


CONTRACT = Requirement(
    "contract",
    "合同或订单（无合同的，送货单、收据、结算单、发票一并提交）",
    frozenset({"contract"}),
)
DELIVERY = Requirement(
    "delivery", "交货及验收证明（发票不能单独证明交货）", frozenset({"delivery"})
)
INVOICES = Requirement("invoices", "发票", frozenset({"invoice"}))
STATEMENT = Requirement("statement", "债务人签章的对账单", frozenset({"statement"}), required=False)
PAYMENTS = Requirement(
    "payments", "付款记录（银行流水）", frozenset({"payment_record"}), required=False
)
COLLECTION = Requirement(
    "collection",
    "催收记录及送达凭证（录音、邮件、函件、短信）",
    frozenset({"call_recording", "email", "letter", "delivery_proof"}),
    required=False,
)
ACK = Requirement(
    "acknowledgment",
    "债务人确认：欠条、还款计划、延期请求、提供担保、在线对账确认",
    frozenset({"acknowledgment", "statement", "online_confirmation"}),
    required=False,
)
ASSETS = Requirement(
    "assets", "被申请人的财产线索（账户、不动产、车辆）", frozenset({"asset_lead"})
)
JUDGMENT = Requirement("judgment", "生效法律文书及生效证明", frozenset({"judgment"}))

STEPS: dict[str, tuple[str, tuple[Requirement, ...]]] = {
    "reminder": ("催款函", (CONTRACT, INVOICES)),
    "lawyer_letter": ("律师函", (CONTRACT, DELIVERY, INVOICES, STATEMENT, PAYMENTS)),
    "preservation": ("财产保全申请", (CONTRACT, DELIVERY, INVOICES, ASSETS, COLLECTION)),
    "complaint": (
        "民事起诉状",
        (CONTRACT, DELIVERY, INVOICES, STATEMENT, PAYMENTS, COLLECTION, ACK),
    ),
    "enforcement": (
        "强制执行申请",
        (JUDGMENT, Requirement("assets", ASSETS.label, ASSETS.kinds, False)),
    ),
}


@dataclass(frozen=True)
class CheckItem:
    requirement: Requirement
    present: tuple[int, ...]  # evidence ids that satisfy it

    @property
    def ok(self) -> bool:
        return bool(self.present)


@dataclass(frozen=True)
class StepCheck:
    step: str
    label: str
    items: tuple[CheckItem, ...]

    @property
    def missing(self) -> list[str]:
        return [i.requirement.label for i in self.items if i.requirement.required and not i.ok]

    @property
    def complete(self) -> bool:
        return not self.missing


def checklist(evidence: Iterable[tuple[int, str]]) -> list[StepCheck]:
    """``evidence`` is (id, kind) of the case's active items; one check per step."""
    by_kind: dict[str, list[int]] = {}
    for ident, kind in evidence:
        by_kind.setdefault(kind, []).append(ident)
    out = []
    for step, (label, reqs) in STEPS.items():
        items = tuple(
            CheckItem(r, tuple(i for k in sorted(r.kinds) for i in by_kind.get(k, ())))
            for r in reqs
        )
        out.append(StepCheck(step, label, items))
    return out


PROOF_KINDS = {
    "demand": frozenset({"delivery_proof", "email", "call_recording"}),
    "acknowledgment": frozenset(
        {"acknowledgment", "statement", "online_confirmation", "call_recording"}
    ),
}


def interruption_proven(effect: str, linked_kinds: Iterable[str]) -> bool:
    """A demand is proven by its delivery proof (or the email / recording itself); an
    acknowledgment by the signed document (or a recording of it)."""
    return bool(PROOF_KINDS.get(effect, frozenset()) & set(linked_kinds))
