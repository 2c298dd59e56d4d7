"""Parties (debtors, guarantors) and their contacts; our creditor entities."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import PARTY_KINDS, RELATIONS

from .fields import Base, choice, list_of, text


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


# ---- output ----------------------------------------------------------------------


class PartyOut(PartySchema):
    id = fields.Integer()


class ContactOut(ContactSchema):
    id = fields.Integer()


class PartyDetailOut(PartyOut):
    contacts = fields.List(fields.Nested(ContactOut))


class CreditorOut(Base):
    id = fields.Integer()
    name = fields.String()


PartyList = list_of(PartyOut, "PartyList")
CreditorList = list_of(CreditorOut, "CreditorList")
