"""The audit trail as a reader sees it: what changed in Chinese, values formatted.

The labels of a record's fields come from the schema of the form that edits it (one place for
each label); the columns no form edits (stored figures, states) are named here.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from marshmallow import Schema

from legalcase import schemas as S
from legalcase.domain.case_deadlines import KIND_LABELS, STATUS_LABELS
from legalcase.domain.values import MEDIATION_OUTCOMES, PROMISE_STATUSES, STAGES
from legalcase.schemas.plans import MediationSchema, MediationSessionSchema, PlanSchema
from legalcase.schemas.receivables import GuaranteeSchema
from legalcase.services.clock import SHANGHAI

ENTITIES: dict[str, tuple[str, type[Schema] | None]] = {
    "cases": ("案件", S.CaseSchema),
    "contracts": ("合同", S.ContractSchema),
    "contract_guarantees": ("保证", GuaranteeSchema),  # issue 14 point 6
    "receivables": ("应收款", S.ReceivableSchema),
    "instalments": ("分期", S.InstalmentSchema),
    "payments": ("回款", S.PaymentSchema),
    "payment_allocations": ("回款分配", None),
    "ledger_entries": ("催收记录", S.LedgerSchema),
    "ledger_entry_receivables": ("催收记录所涉发票", None),
    "promises": ("还款承诺", None),
    "court_events": ("司法事件", S.CourtEventSchema),
    "case_deadlines": ("期限", None),
    "stage_changes": ("阶段变更", S.StageMoveSchema),
    "evidence_items": ("证据", S.EvidenceSchema),
    "evidence_bundles": ("证据包", None),
    "custody_events": ("证据保管记录", None),
    "generated_documents": ("文书", None),
    "tasks": ("任务", None),
    "task_comments": ("任务评论", None),
    "parties": ("当事人", S.PartySchema),
    "contacts": ("联系人", S.ContactSchema),
    "users": ("用户", None),
    "disputes": ("异议", None),  # issue 16
    "confirmations": ("在线对账链接", None),
    "repayment_plans": ("还款协议", PlanSchema),  # issue 17
    "plan_instalments": ("还款协议分期", None),
    "mediations": ("诉前调解", MediationSchema),
    "mediation_sessions": ("调解过程", MediationSessionSchema),
}

# Columns no form edits: stored figures, states and links.
COLUMNS = {
    "principal_amount": "本金",
    "paid_amount": "已付金额",
    "outstanding_amount": "未付金额",
    "oldest_unpaid_due_date": "最早未付到期日",
    "next_deadline_date": "下一个期限",
    "stage": "阶段",
    "ended_at": "解除时间",
    "status": "状态",
    "kind": "类型",
    "due_date": "到期日",
    "unadjusted_date": "未顺延日期",
    "is_provisional": "暂定",
    "is_active": "有效",
    "is_handled": "已处理",
    "handled_note": "处理说明",
    "basis": "依据",
    "is_done": "已完成",
    "done_at": "完成时间",
    "done_note": "完成说明",
    "done_by_id": "完成人",
    "assignee_id": "负责人",
    "owner_id": "负责人",
    "amount": "金额",
    "title": "标题",
    "reason": "原因",
    "body": "内容",
    "letter_number": "文号",
    "sent_at": "发出时间",
    "from_stage": "原阶段",
    "to_stage": "新阶段",
    "creditor_scope": "可见的债权主体",
    "allocation": "回款冲抵方式",
    "cancelled_on": "取消日期",
    "cancel_reason": "取消原因",
    "cancelled_by_id": "取消人",
    "outcome": "结果",
    "ended_date": "结束日期",
    "court_event_id": "司法事件",
    "seq": "期数",
    "principal": "本金",
    "interest": "利息",
}

_STATES = {**STATUS_LABELS, **PROMISE_STATUSES, **STAGES}


def entity_label(entity: str) -> str:
    return ENTITIES.get(entity, (entity, None))[0]


def _field(entity: str, column: str):
    schema = ENTITIES.get(entity, (None, None))[1]
    return schema().fields.get(column) if schema else None


def column_label(entity: str, column: str) -> str:
    f = _field(entity, column)
    if f is not None and f.metadata.get("label"):
        return f.metadata["label"]
    return COLUMNS.get(column, column)


def value_text(entity: str, column: str, value) -> str:
    """A stored value as the user typed or chose it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    f = _field(entity, column)
    choices = f.metadata.get("choices") if f is not None else None
    if choices and value in choices:
        return choices[value]
    if column == "kind" and entity == "case_deadlines":
        return KIND_LABELS.get(value, value)
    if column == "outcome" and entity == "mediations":
        return MEDIATION_OUTCOMES.get(value, value)
    if (
        isinstance(value, str)
        and value in _STATES
        and column in ("status", "stage", "from_stage", "to_stage")
    ):
        return _STATES[value]
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(SHANGHAI)
        return moment.strftime("%Y-%m-%d %H:%M")
    if column.endswith("amount") or column in ("amount", "claim_amount"):
        try:
            return f"{Decimal(str(value)):,.2f}"
        except InvalidOperation:
            return str(value)
    return str(value)


def changes(entry) -> list[tuple[str, str, str]]:
    """(label, before, after) for each changed field of an update."""
    after = entry.after or {}
    before = entry.before or {}
    return [
        (
            column_label(entry.entity, k),
            value_text(entry.entity, k, before.get(k)),
            value_text(entry.entity, k, v),
        )
        for k, v in after.items()
    ]
