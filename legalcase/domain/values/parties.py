"""Parties, contracts and the forum: who owes, under what, before whom."""

from __future__ import annotations

from .base import Coded


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
