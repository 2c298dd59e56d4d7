"""Parties (debtors, guarantors) and their contacts; our creditor entities."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import ETHNICITIES, ID_TYPES, PARTY_KINDS, RELATIONS, SEXES

from .fields import Base, choice, day, list_of, text


class PartySchema(Base):
    kind = choice("类型", PARTY_KINDS)
    name = text("名称/姓名", required=True)
    id_code = text("统一社会信用代码/证件号码", max_len=32)
    # a company (DOCUMENTS.md v2 "Parties")
    legal_rep = text("法定代表人（企业）", max_len=100)
    legal_rep_title = text("法定代表人职务（企业）", max_len=50)
    registered_address = text("住所地（企业）/户籍地（自然人）", max_len=300)
    actual_address = text("实际经营地（企业）/经常居住地（自然人）", max_len=300)
    phone = text("联系电话", max_len=40)
    # a natural person
    sex = choice("性别（自然人）", SEXES, required=False)
    birth_date = day("出生日期（自然人）", required=False)
    ethnicity = choice("民族（自然人）", ETHNICITIES, required=False)
    id_type = choice("证件类型（自然人）", ID_TYPES, required=False)
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


# ---- output ----------------------------------------------------------------------


class PartyOut(PartySchema):
    id = fields.Integer()


class ContactOut(ContactSchema):
    id = fields.Integer()


class PartyDetailOut(PartyOut):
    contacts = fields.List(fields.Nested(ContactOut))


class CreditorSchema(Base):
    """One of our creditor companies: identity, contact, payee account, letter code."""

    name = text("名称", required=True)
    uscc = text("统一社会信用代码", max_len=18)
    address = text("住所地", max_len=300)
    legal_rep = text("法定代表人", max_len=100)
    legal_rep_title = text("法定代表人职务", max_len=50)
    phone = text("联系电话", max_len=40)
    email = fields.Email(
        allow_none=True,
        error_messages={"invalid": "邮箱格式不正确"},
        metadata={"label": "电子邮箱", "widget": "text"},
    )
    bank_name = text("开户行", max_len=100)
    account_name = text("账户名称", max_len=200)
    account_number = text("账号", max_len=64)
    letter_code = text("函件代字（如 华东建机催）", max_len=32)


class CreditorOut(Base):
    id = fields.Integer()
    name = fields.String()


class CreditorDetailOut(CreditorSchema):
    id = fields.Integer()


PartyList = list_of(PartyOut, "PartyList")
CreditorList = list_of(CreditorOut, "CreditorList")
