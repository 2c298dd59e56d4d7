"""Search results."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import SEARCH_KINDS

from .fields import Base, choice, list_of


class SearchHitOut(Base):
    kind = choice("类型", SEARCH_KINDS)
    id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    label = fields.String()


SearchList = list_of(SearchHitOut, "SearchList")
