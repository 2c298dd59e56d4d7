"""RFC 3161 timestamps in the API: the authority and the certificates that verify its tokens."""

from __future__ import annotations

from marshmallow import fields

from .fields import Base


class TimestampAuthorityOut(Base):
    url = fields.String(allow_none=True)  # none: the internal authority
    internal = fields.Boolean()
    name = fields.String()  # 内部时间戳（非第三方） for the internal authority
    certificates_pem = fields.String()
