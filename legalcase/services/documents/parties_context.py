"""Who the document is from and to: the issuer and its number series, the creditor's identity,
contact and account, each party's identity block (a company or a natural person), how the
addressee is addressed (您 / 贵司), and the court (DOCUMENTS.md v2 "Who issues it", "Parties",
"The court is a real court").

``parties_context`` is merged into ``context.document_context``; ``issuer_context`` is added by
``generate`` once the document type is known.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.chinese import chinese_date
from legalcase.domain.courts import district_court
from legalcase.domain.identity import resident_id_problem
from legalcase.domain.values import (
    ETHNICITIES,
    GUARANTEE_TYPES,
    ID_TYPES,
    SEXES,
    DisputeKind,
    IdType,
    PartyKind,
    Sex,
)
from legalcase.models import Case, Contact, Contract, Creditor, Party
from legalcase.models.cases import ContractGuarantee

from .numbering import COURT_FILINGS, FIRM, creditor_letter_code, issuer_for

COURT_MISSING = "受理法院（在案件的“受理法院”字段选择或填写）"


def _join(parts: list[tuple[str, str | None]]) -> str:
    """'label：value' joined by '，', leaving out what is not recorded (never an empty label)."""
    return "，".join(f"{label}：{value}" if label else value for label, value in parts if value)


def creditor_data(c: Creditor) -> dict:
    """Our creditor company as templates see it."""
    if c.bank_name or c.account_name or c.account_number:
        account = _join(
            [
                ("开户行", c.bank_name),
                ("户名", c.account_name or c.name),
                ("账号", c.account_number),
            ]
        )
    else:
        account = c.bank_account or ""
    contact = _join([("电话", c.phone), ("邮箱", c.email)])
    return {
        "name": c.name,
        "code": c.uscc or "",
        "uscc": c.uscc or "",
        "address": c.address or "",
        "legal_rep": c.legal_rep or "",
        "legal_rep_title": c.legal_rep_title or "",
        "phone": c.phone or "",
        "email": c.email or "",
        "contact": contact,
        "bank_name": c.bank_name or "",
        "account_name": c.account_name or (c.name if c.account_number else ""),
        "account_number": c.account_number or "",
        "account": account,
        "letter_code": creditor_letter_code(c),
        "identity": _join(
            [
                ("", c.name),
                ("统一社会信用代码", c.uscc),
                ("住所地", c.address),
                ("法定代表人", c.legal_rep),
                ("职务", c.legal_rep_title),
                ("联系电话", c.phone),
                ("电子邮箱", c.email),
            ]
        ),
    }


def _party_phone(session: Session, p: Party) -> str:
    if p.phone:
        return p.phone
    return (
        session.scalar(
            select(Contact.phone)
            .where(Contact.party_id == p.id, Contact.relation == "self", Contact.phone.is_not(None))
            .order_by(Contact.id)
            .limit(1)
        )
        or ""
    )


def _from_resident_id(code: str, sex: str, born: date | None) -> tuple[str, date | None]:
    """What a valid resident ID number says when the party's sex or birth date is not entered:
    digits 7-14 are the birth date, the 17th is odd for a man."""
    if resident_id_problem(code) is not None:
        return sex, born
    if born is None:
        born = date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    if not sex:
        sex = SEXES[Sex.MALE] if int(code[16]) % 2 else SEXES[Sex.FEMALE]
    return sex, born


def party_block(session: Session, p: Party) -> dict:
    """A debtor or guarantor as templates see it: the keys of ``context.party_data`` and the
    identity of a company or a natural person."""
    person = p.kind == PartyKind.PERSON
    phone = _party_phone(session, p)
    sex, born = SEXES.get(p.sex or "", ""), p.birth_date
    if person:
        id_type = ID_TYPES.get(p.id_type or "", "") or (
            ID_TYPES[IdType.RESIDENT_ID] if p.id_code else ""
        )
        if id_type == ID_TYPES[IdType.RESIDENT_ID] and p.id_code:
            sex, born = _from_resident_id(p.id_code, sex, born)
        identity = _join(
            [
                ("", p.name),
                ("", sex),
                ("", f"{chinese_date(born)}出生" if born else ""),
                ("", ETHNICITIES.get(p.ethnicity or "", "")),
                (f"{id_type}号码" if id_type else "证件号码", p.id_code),
                ("户籍地", p.registered_address),
                ("经常居住地", p.actual_address),
                ("联系电话", phone),
            ]
        )
    else:
        id_type = "统一社会信用代码"
        identity = _join(
            [
                ("", p.name),
                ("统一社会信用代码", p.id_code),
                ("住所地", p.registered_address),
                ("法定代表人", p.legal_rep),
                ("职务", p.legal_rep_title),
                ("联系电话", phone),
            ]
        )
    return {
        "name": p.name,
        "code": p.id_code or "",
        "legal_rep": "" if person else (p.legal_rep or ""),
        "legal_rep_title": "" if person else (p.legal_rep_title or ""),
        "address": (p.actual_address or p.registered_address or "")
        if person
        else (p.registered_address or p.actual_address or ""),
        "kind": p.kind,
        "is_person": person,
        "salutation": "您" if person else "贵司",
        "registered_address": p.registered_address or "",
        "actual_address": p.actual_address or "",
        "phone": phone,
        "sex": sex if person else "",
        "birth_date": chinese_date(born) if person and born else "",
        "ethnicity": ETHNICITIES.get(p.ethnicity or "", ""),
        "id_type": id_type,
        "id_number": p.id_code or "",
        "identity": identity,
    }


def case_court(case: Case) -> str:
    """The court chosen on the case (or, for a case that predates the field, its forum when
    that is a court); '' when none is chosen: never a placeholder."""
    if case.court and case.court.strip():
        return case.court.strip()
    if case.forum_name and case.forum_kind in (None, DisputeKind.COURT.value):
        return case.forum_name.strip()
    return ""


PLAINTIFF_SIDE = ("原告", "甲方", "出卖人", "卖方", "出借人", "出租人", "债权人")
DEFENDANT_SIDE = ("被告", "乙方", "买受人", "买方", "借款人", "承租人", "债务人")


def is_real_court(name: str) -> bool:
    """A court's name, not a forum clause's description of one (原告所在地人民法院)."""
    return bool(name) and "所在地" not in name and name.endswith(("法院", "法庭"))


def _venue_court(venue: str, case: Case) -> str:
    """A forum clause as a court: 原告所在地人民法院 -> the court of the creditor's domicile,
    被告所在地 -> the debtor's; a named court as written; '' when it cannot be resolved."""
    if "所在地" not in venue:
        return venue
    if any(w in venue for w in PLAINTIFF_SIDE):
        return district_court(case.creditor.address) or ""
    if any(w in venue for w in DEFENDANT_SIDE):
        debtor = case.debtor
        return district_court(debtor.registered_address or debtor.actual_address) or ""
    return ""


def court_suggestions(session: Session, case: Case | None) -> list[str]:
    """Courts to suggest on the case form: the contracts' forum clauses, else the court of the
    defendant's domicile (a suggestion only: the user decides)."""
    if case is None:
        return []
    out: list[str] = []
    venues = session.scalars(
        select(Contract.dispute_venue).where(
            Contract.case_id == case.id,
            Contract.dispute_resolution == DisputeKind.COURT.value,
            Contract.dispute_venue.is_not(None),
        )
    )
    for venue in venues:
        out.append(_venue_court(venue.strip(), case))
    if not out:
        debtor = case.debtor
        for address in (debtor.registered_address, debtor.actual_address):
            court = district_court(address)
            if court:
                out.append(court)
    if case.forum_name and case.forum_kind in (None, DisputeKind.COURT.value):
        out.append(case.forum_name.strip())
    return list(dict.fromkeys(c for c in out if c))


def case_guarantees(session: Session, case: Case) -> list[ContractGuarantee]:
    """The guarantees in force on the case's contracts, one per guarantor (a party guaranteeing
    two contracts is named once, with its first guarantee), in contract order."""
    rows = session.scalars(
        select(ContractGuarantee)
        .join(Contract, Contract.id == ContractGuarantee.contract_id)
        .where(ContractGuarantee.case_id == case.id, ContractGuarantee.ended_at.is_(None))
        .order_by(Contract.id, ContractGuarantee.id)
    )
    out: dict[int, ContractGuarantee] = {}
    for g in rows:
        out.setdefault(g.party_id, g)
    return list(out.values())


def guarantee_data(g: ContractGuarantee) -> dict:
    """What a template adds to a guarantor's party block: the guarantee's type and period."""
    return {
        "guarantee_type": g.guarantee_type,
        "guarantee_label": GUARANTEE_TYPES.get(g.guarantee_type, ""),
        "contract_number": g.contract.number,
        "period_end": chinese_date(g.period_end) if g.period_end else "",
    }


def parties_context(session: Session, case: Case, context: dict) -> dict:
    """The keys this module adds to (or refines in) the document context."""
    debtor = party_block(session, case.debtor)
    guarantors = [
        {**party_block(session, g.party), **guarantee_data(g)}
        for g in case_guarantees(session, case)
    ]
    court = case_court(case)
    return {
        "creditor": creditor_data(case.creditor),
        "debtor": debtor,
        "guarantor": guarantors[0] if guarantors else None,
        "guarantors": guarantors,
        "salutation": debtor["salutation"],
        "court": court,
        "case": {**context.get("case", {}), "court": court},
    }


def issuer_context(doc_type: str, case: Case, firm: dict) -> dict:
    """The document's issuer: the law firm (律师函), the creditor (its own letters) or, for a
    court filing, the plaintiff/applicant without a letter number."""
    issuer = issuer_for(doc_type, case.creditor, firm.get("code", ""), firm.get("name", ""))
    kind = "firm" if issuer.key == FIRM else ("court_filing" if not issuer.key else "creditor")
    return {
        "issuer": {
            "kind": kind,
            "name": issuer.name,
            "code": issuer.code,
            "numbered": doc_type not in COURT_FILINGS,
        }
    }


def sample_parties() -> dict:
    """Preview values of this module's keys (templates.sample_context)."""
    company = {
        "name": "示例债务人有限公司",
        "code": "91310000MA1FL0000X",
        "legal_rep": "王强",
        "legal_rep_title": "执行董事",
        "address": "上海市闵行区示例路 1 号",
        "kind": "company",
        "is_person": False,
        "salutation": "贵司",
        "registered_address": "上海市闵行区示例路 1 号",
        "actual_address": "上海市闵行区示例路 1 号",
        "phone": "021-64880000",
        "sex": "",
        "birth_date": "",
        "ethnicity": "",
        "id_type": "统一社会信用代码",
        "id_number": "91310000MA1FL0000X",
        "identity": "示例债务人有限公司，统一社会信用代码：91310000MA1FL0000X，"
        "住所地：上海市闵行区示例路 1 号，法定代表人：王强，职务：执行董事，联系电话：021-64880000",
    }
    person = {
        **company,
        "name": "示例保证人",
        "code": "110101199003074514",
        "legal_rep": "",
        "legal_rep_title": "",
        "kind": "person",
        "is_person": True,
        "salutation": "您",
        "registered_address": "北京市东城区示例街 1 号",
        "actual_address": "上海市浦东新区示例路 5 号",
        "phone": "13800138000",
        "sex": "男",
        "birth_date": "1990年3月7日",
        "ethnicity": "汉族",
        "id_type": "居民身份证",
        "id_number": "110101199003074514",
        "identity": "示例保证人，男，1990年3月7日出生，汉族，居民身份证号码：110101199003074514，"
        "户籍地：北京市东城区示例街 1 号，经常居住地：上海市浦东新区示例路 5 号，联系电话：13800138000",
    }
    creditor = {
        "name": "示例债权人有限公司",
        "code": "91310000MA1FL1111Y",
        "uscc": "91310000MA1FL1111Y",
        "address": "上海市示例路 2 号",
        "legal_rep": "李明",
        "legal_rep_title": "董事长",
        "phone": "021-64881111",
        "email": "ar@example.com",
        "contact": "电话：021-64881111，邮箱：ar@example.com",
        "bank_name": "中国工商银行上海示例支行",
        "account_name": "示例债权人有限公司",
        "account_number": "1001000000000000001",
        "account": "开户行：中国工商银行上海示例支行，户名：示例债权人有限公司，"
        "账号：1001000000000000001",
        "letter_code": "示例催",
        "identity": "示例债权人有限公司，统一社会信用代码：91310000MA1FL1111Y，住所地：上海市示例路 2 号，"
        "法定代表人：李明，职务：董事长，联系电话：021-64881111，电子邮箱：ar@example.com",
    }
    return {
        "creditor": creditor,
        "debtor": company,
        "guarantor": person,
        "guarantors": [
            {
                **person,
                "guarantee_type": "joint",
                "guarantee_label": "连带责任保证",
                "contract_number": "HT-2025-0001",
                "period_end": "",
            }
        ],
        "salutation": "贵司",
        "court": "上海市闵行区人民法院",
        "issuer": {
            "kind": "firm",
            "name": "上海明诚律师事务所",
            "code": "明诚律函",
            "numbered": True,
        },
    }
