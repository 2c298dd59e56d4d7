"""Parsing of raw input (web forms, JSON, CLI) into typed values, with messages in Chinese.

Each field carries ``metadata``: ``label`` for the form and error summary, ``widget``
for the HTML input, and ``choices`` for selects. Views and the API parse with these
schemas and hand typed dicts to the services.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from docgen.fields import DOCUMENTS as DOCUMENT_TYPES
from legalcase.domain.aging import Tier
from legalcase.domain.errors import ValidationFailed
from legalcase.domain.evidence import KINDS
from legalcase.domain.roles import ROLE_LABELS
from legalcase.domain.stages import STAGE_LABELS
from legalcase.services.cases import PortfolioFilter

CURRENCIES = frozenset(list_currencies())

REQUIRED = {"required": "必填", "null": "必填"}


class Money(fields.Field):
    """A positive amount with at most two decimals, e.g. ``1234.56`` or ``1,234.56``."""

    def __init__(self, *, allow_zero: bool = False, **kw) -> None:
        super().__init__(**kw)
        self.allow_zero = allow_zero

    def _deserialize(self, value, attr, data, **kw):
        text = str(value).replace(",", "").replace("¥", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError("应为金额数字，如 1234.56") from None
        if not amount.is_finite():
            raise ValidationError("应为金额数字，如 1234.56")
        if amount.as_tuple().exponent < -2:
            raise ValidationError("金额最多两位小数")
        if amount < 0 or (amount == 0 and not self.allow_zero):
            raise ValidationError("金额须大于 0")
        if amount >= Decimal("1e13"):
            raise ValidationError("金额过大")
        return amount.quantize(Decimal("0.01"))

    def _serialize(self, value, attr, obj, **kw):
        return None if value is None else f"{value:.2f}"


class Rate(fields.Field):
    def _deserialize(self, value, attr, data, **kw):
        try:
            rate = Decimal(str(value).strip().rstrip("%"))
        except InvalidOperation:
            raise ValidationError("应为百分比数字，如 0.05") from None
        if not rate.is_finite() or rate < 0 or rate > 100:
            raise ValidationError("利率应在 0 到 100 之间（%）")
        return rate

    def _serialize(self, value, attr, obj, **kw):
        return None if value is None else str(value)


class Day(fields.Date):
    default_error_messages = {"invalid": "日期无效，应为真实存在的日期，格式 YYYY-MM-DD"}


class Moment(fields.DateTime):
    """A timestamp; without an offset it is taken as Beijing time, stored as UTC."""

    default_error_messages = {"invalid": "时间无效，格式 YYYY-MM-DD HH:MM"}

    def _deserialize(self, value, attr, data, **kw):
        from legalcase.services.clock import SHANGHAI

        text = str(value).strip().replace("T", " ")
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=SHANGHAI).astimezone(UTC)
            except ValueError:
                pass
        result = super()._deserialize(value, attr, data, **kw)
        if result.tzinfo is None:
            result = result.replace(tzinfo=SHANGHAI)
        return result.astimezone(UTC)


def text(label: str, required: bool = False, max_len: int = 200, widget: str = "text", **kw):
    return fields.String(
        required=required,
        allow_none=not required,
        validate=validate.Length(
            min=1 if required else 0, max=max_len, error=f"长度不超过 {max_len} 字"
        ),
        error_messages=REQUIRED,
        metadata={"label": label, "widget": widget},
        **kw,
    )


def choice(label: str, choices: dict, required: bool = True, **kw):
    return fields.String(
        required=required,
        allow_none=not required,
        validate=validate.OneOf(list(choices), error="请选择列表中的一项"),
        error_messages=REQUIRED,
        metadata={"label": label, "widget": "select", "choices": choices},
        **kw,
    )


def ref(label: str, required: bool = True, **kw):
    """A foreign key chosen from a list the view supplies."""
    return fields.Integer(
        required=required,
        allow_none=not required,
        error_messages={**REQUIRED, "invalid": "请选择列表中的一项"},
        metadata={"label": label, "widget": "select"},
        **kw,
    )


def day(label: str, required: bool = True):
    return Day(
        required=required,
        allow_none=not required,
        error_messages=REQUIRED,
        metadata={"label": label, "widget": "date"},
    )


def money(label: str, required: bool = True, **kw):
    return Money(
        required=required,
        allow_none=not required,
        error_messages=REQUIRED,
        metadata={"label": label, "widget": "money"},
        **kw,
    )


def currency(label: str = "币种"):
    return fields.String(
        load_default="CNY",
        validate=validate.OneOf(sorted(CURRENCIES), error="未知币种，应为 ISO 4217 代码，如 CNY"),
        metadata={"label": label, "widget": "text"},
    )


PARTY_KINDS = {"company": "企业", "person": "自然人"}
RELATIONS = {
    "self": "本人/企业本身",
    "legal_rep": "法定代表人",
    "finance": "财务人员",
    "staff": "其他员工",
    "relative": "亲属",
    "work_site": "工作地点",
    "other": "其他",
}
CONTRACT_KINDS = {
    "sale": "买卖合同",
    "financing": "融资合同",
    "lease": "租赁合同",
    "loan": "借款合同",
}
LATE_FEE_TYPES = {
    "none": "未约定",
    "daily_rate": "按日利率（%）",
    "annual_rate": "按年利率（%）",
    "fixed_penalty": "固定违约金",
}
JURISDICTIONS = {
    "CN": "中国法",
    "CN-INTL-SALE": "中国法（国际货物买卖）",
    "DE": "德国法",
    "GB-EW": "英格兰法",
    "FR": "法国法",
    "JP": "日本法",
    "HK": "香港法",
    "SG": "新加坡法",
    "US-NY": "美国纽约州法",
    "US-CA": "美国加州法",
}
DISPUTE = {"court": "法院诉讼", "arbitration": "仲裁"}
GUARANTEE_TYPES = {"none": "无保证", "joint": "连带责任保证", "general": "一般保证"}
RISK = {"low": "低", "medium": "中", "high": "高"}
CHANNELS = {
    "call": "电话",
    "sms": "短信",
    "email": "邮件",
    "letter": "信函",
    "visit": "上门拜访",
    "meeting": "会谈",
}
OUTCOMES = {
    "reached": "已联系上",
    "no_answer": "未接通/未回复",
    "promised": "承诺还款",
    "disputed": "对欠款有异议",
    "refused": "拒绝付款",
    "paid": "已付款",
}
NON_PAYMENT_REASONS = {
    "dispute": "有争议",
    "cash_flow": "资金周转困难",
    "habit": "习惯性拖欠",
    "business_trouble": "经营困难",
    "bad_faith": "恶意逃债",
}
LEGAL_EFFECTS = {
    "none": "无",
    "demand": "催告（主张权利，自送达之日起中断时效）",
    "acknowledgment": "债务人同意履行（对账确认、还款计划、请求延期等）",
}
LEGAL_EFFECT_SHORT = {"none": "", "demand": "催告", "acknowledgment": "债务人同意履行（中断时效）"}
ADDRESSEES = {"debtor": "债务人", "guarantor": "保证人"}
PAYMENT_METHODS = {
    "bank": "银行转账",
    "cash": "现金",
    "bill": "票据",
    "offset": "抵销",
    "other": "其他",
}
COURT_EVENT_KINDS = {
    "filing": "起诉/申请仲裁",
    "proceedings_ended": "撤诉/驳回等程序终结",
    "judgment": "判决书（含仲裁裁决）",
    "ruling": "裁定书",
    "preservation": "财产保全措施",
    "settlement": "执行和解",
}
ASSET_KINDS = {
    "bank_deposit": "银行存款（1年）",
    "movable": "动产（2年）",
    "real_estate": "不动产（3年）",
    "other_right": "其他财产权（3年）",
}
EVIDENCE_KINDS = KINDS
STAGES = {s.value: label for s, label in STAGE_LABELS.items()}
ROLES = {r.value: label for r, label in ROLE_LABELS.items()}


class Base(Schema):
    class Meta:
        unknown = EXCLUDE


class PartySchema(Base):
    kind = choice("类型", PARTY_KINDS)
    name = text("名称/姓名", required=True)
    id_code = text("统一社会信用代码/身份证号", max_len=18)
    legal_rep = text("法定代表人", max_len=100)
    registered_address = text("注册地址/户籍地址", max_len=300)
    actual_address = text("实际经营地址/住址", max_len=300)
    note = text("备注", max_len=2000, widget="textarea")


class ContactSchema(Base):
    name = text("联系人", required=True, max_len=100)
    relation = choice("关系", RELATIONS)
    phone = text("电话", max_len=40)
    email = fields.Email(
        allow_none=True,
        error_messages={"invalid": "邮箱格式不正确"},
        metadata={"label": "邮箱", "widget": "text"},
    )
    address = text("地址", max_len=300)
    note = text("备注", max_len=2000, widget="textarea")


class CaseSchema(Base):
    title = text("案件名称", required=True)
    creditor_id = ref("债权主体")
    debtor_id = ref("债务人")
    owner_id = ref("负责人", required=False)
    risk_level = choice("风险等级", RISK)
    currency = currency()
    claim_amount = money("诉请金额", required=False)
    forum_kind = choice(
        "争议解决机构类型", {"court": "法院", "arbitration": "仲裁机构"}, required=False
    )
    forum_name = text("法院/仲裁机构")
    case_number = text("案号", max_len=100)
    note = text("备注", max_len=2000, widget="textarea")


class ContractSchema(Base):
    number = text("合同编号", required=True, max_len=100)
    kind = choice("合同类型", CONTRACT_KINDS)
    signed_date = day("签订日期")
    start_date = day("履行开始日", required=False)
    end_date = day("履行届满日", required=False)
    amount = money("合同金额")
    currency = currency()
    payment_terms = text("付款条件", max_len=2000, widget="textarea")
    late_fee_type = choice("逾期付款责任", LATE_FEE_TYPES)
    late_fee_rate = Rate(allow_none=True, metadata={"label": "约定利率（%）", "widget": "text"})
    late_fee_amount = money("违约金金额", required=False)
    governing_law = choice("适用法律", JURISDICTIONS)
    dispute_resolution = choice("争议解决方式", DISPUTE)
    dispute_venue = text("管辖法院/仲裁机构")
    guarantee_type = choice("保证方式", GUARANTEE_TYPES)
    guarantor_id = ref("保证人", required=False)
    guarantee_period_end = day("约定保证期间届满日", required=False)


class InstalmentSchema(Base):
    due_date = day("分期到期日")
    amount = money("分期金额")


class ReceivableSchema(Base):
    invoice_no = text("发票号", required=True, max_len=64)
    contract_id = ref("所属合同", required=False)
    amount = money("应收金额")
    currency = currency()
    issue_date = day("开票日期")
    due_date = day("到期日")
    note = text("备注", max_len=2000, widget="textarea")
    instalments = fields.List(
        fields.Nested(InstalmentSchema),
        load_default=None,
        allow_none=True,
        metadata={"label": "分期计划", "widget": "instalments"},
    )


class PaymentSchema(Base):
    paid_date = day("回款日期")
    amount = money("回款金额")
    currency = currency()
    receivable_id = ref("冲抵应收款（不选则按到期先后）", required=False)
    method = choice("方式", PAYMENT_METHODS, required=False)
    reference = text("流水号/凭证号", max_len=100)
    note = text("备注", max_len=2000, widget="textarea")


class LedgerSchema(Base):
    contacted_at = Moment(
        required=True,
        error_messages=REQUIRED,
        metadata={"label": "联系时间", "widget": "datetime"},
    )
    channel = choice("方式", CHANNELS)
    contact_id = ref("联系人", required=False)
    person_reached = text("接洽人", max_len=100)
    summary = text("沟通摘要", required=True, max_len=5000, widget="textarea")
    outcome = choice("结果", OUTCOMES)
    non_payment_reason = choice("未付款原因", NON_PAYMENT_REASONS, required=False)
    legal_effect = choice("法律效果（时效）", LEGAL_EFFECTS, required=False, load_default=None)
    addressee = choice("催告对象", ADDRESSEES, required=False)
    arrival_date = day("送达日期（书面催告）", required=False)
    promise_amount = money("承诺还款金额", required=False)
    promise_due_date = day("承诺还款日期", required=False)


class CourtEventSchema(Base):
    kind = choice("事件", COURT_EVENT_KINDS)
    event_date = day("日期（起诉/终结/保全/和解）", required=False)
    served_date = day("送达日（判决/裁定）", required=False)
    performance_due = day("履行期限最后一日", required=False)
    effective_date = day("生效日", required=False)
    is_foreign_party = fields.Boolean(
        load_default=False,
        metadata={"label": "我方为在中国境内无住所的当事人", "widget": "checkbox"},
    )
    is_pre_suit = fields.Boolean(
        load_default=False, metadata={"label": "诉前保全", "widget": "checkbox"}
    )
    asset_kind = choice("被保全财产", ASSET_KINDS, required=False)
    expires_date = day("裁定载明的保全届满日", required=False)
    court_name = text("法院/仲裁机构")
    document_number = text("文书编号", max_len=100)
    note = text("备注", max_len=2000, widget="textarea")


class EvidenceSchema(Base):
    kind = choice("证据类型", EVIDENCE_KINDS)
    title = text("证据名称", max_len=200)
    source = text("证据来源", max_len=200)
    purpose = text("证明目的", max_len=2000, widget="textarea")
    document_date = day("文件日期", required=False)
    is_original = fields.Boolean(
        load_default=False, metadata={"label": "原件", "widget": "checkbox"}
    )


class GenerateSchema(Base):
    doc_type = choice("文书", {k: v["title"] for k, v in DOCUMENT_TYPES.items()})
    as_of = day("计算截止日")
    pay_days = fields.Integer(
        load_default=15,
        validate=validate.Range(min=1, max=90, error="1 到 90 天"),
        metadata={"label": "付款期限（天）", "widget": "text"},
    )
    override_reason = text("材料不全时强制生成的理由（仅法务）", max_len=500)


class SentSchema(Base):
    sent_at = Moment(
        required=True, error_messages=REQUIRED, metadata={"label": "发出时间", "widget": "datetime"}
    )
    channel = choice("方式", {"letter": "邮寄/快递", "email": "电子邮件", "visit": "当面送达"})
    arrival_date = day("送达日期（签收日）", required=False)


class HandledSchema(Base):
    note = text("处理说明", required=True, max_len=2000, widget="textarea")


class StageMoveSchema(Base):
    stage = choice("目标阶段", STAGES)
    reason = text("原因", required=True, max_len=2000, widget="textarea")


class UserSchema(Base):
    username = text("用户名", required=True, max_len=64)
    display_name = text("姓名", max_len=100)
    email = fields.Email(allow_none=True, error_messages={"invalid": "邮箱格式不正确"})
    role = choice("角色", ROLES)
    password = text("密码", required=True, max_len=128)


def clean(raw: dict) -> dict:
    """Strip strings and turn empty strings into None (browsers send '' for blank fields)."""
    out = {}
    for key, value in raw.items():
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = None
        out[key] = value
    return out


def parse(schema: Schema, raw: dict, partial: bool = False) -> dict:
    """Load ``raw`` with ``schema``; raise ValidationFailed naming every bad field."""
    data = clean(raw)
    if partial:
        data = {k: v for k, v in data.items() if k in schema.fields}
    else:
        data = {k: v for k, v in data.items() if v is not None}
    try:
        result = schema.load(data, partial=partial)
    except ValidationError as exc:
        errors = _flatten(exc.messages, schema)
        summary = "输入有误：" + "；".join(f"{label(schema, k)}：{v}" for k, v in errors.items())
        raise ValidationFailed(errors, summary) from None
    return result


def _flatten(messages: dict, schema: Schema, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, schema, prefix=f"{name}."))
        elif isinstance(value, list):
            out[name] = "；".join(str(v) for v in value)
        else:
            out[name] = str(value)
    return out


def label(schema: Schema, field: str) -> str:
    f = schema.fields.get(field.split(".")[0])
    return (f.metadata.get("label") if f else None) or field


def dump_fields(schema: Schema, obj: object) -> dict:
    """Current values of ``obj`` as form strings, for edit forms."""
    out = {}
    for name, field in schema.fields.items():
        value = getattr(obj, name, None)
        if value is None:
            out[name] = ""
        elif isinstance(field, Money):
            out[name] = f"{value:.2f}"
        else:
            out[name] = str(value)
    return out


def portfolio_filter(args) -> tuple[PortfolioFilter, dict[str, str]]:
    """Portfolio filters from query arguments; unknown values are ignored, bad amounts reported."""
    errors = {}
    f = PortfolioFilter(sort=args.get("sort") or "overdue", q=args.get("q") or None)
    if args.get("stage") in STAGES:
        f.stage = args["stage"]
    if args.get("tier") in {t.value for t in Tier}:
        f.tier = args["tier"]
    for key in ("owner_id", "creditor_id", "deadline_within"):
        if args.get(key, "").isdigit():
            setattr(f, key, int(args[key]))
    for key in ("min_outstanding", "max_outstanding"):
        if args.get(key):
            try:
                setattr(f, key, Money(allow_zero=True).deserialize(args[key]))
            except ValidationError as exc:
                errors[key] = "；".join(exc.messages)
    return f, errors
