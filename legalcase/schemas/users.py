"""Users: the admin form and the API's view of the token's user."""

from __future__ import annotations

from flask import url_for
from marshmallow import fields

from legalcase.domain.values import ROLES

from .fields import Base, choice, text


class UserSchema(Base):
    username = text("用户名", required=True, max_len=64)
    display_name = text("姓名", max_len=100)
    email = fields.Email(allow_none=True, error_messages={"invalid": "邮箱格式不正确"})
    role = choice("角色", ROLES)
    password = text("密码", required=True, max_len=128)


class UserOut(Base):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = choice("角色", ROLES)
    # The creditor entities whose cases the user may see; null: all of them.
    creditor_ids = fields.Function(
        lambda u: sorted(u.creditor_scope) if u.creditor_scope is not None else None
    )
    # The user's iCal feed of deadlines (an unguessable URL; POST /me/calendar makes a new one).
    calendar_url = fields.Function(
        lambda u: (
            url_for("calendar.feed", token=u.calendar_token, _external=True)
            if u.calendar_token
            else None
        )
    )
