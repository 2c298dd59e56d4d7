"""Two issuers never print the same letter number: a group's subsidiaries often share the
first characters of their names, so a creditor without a letter code whose derived code
another creditor already gives gets its id in the code."""

from __future__ import annotations

from legalcase.services.documents.numbering import creditor_letter_code
from tests import factories as F


def test_subsidiaries_with_the_same_first_characters_get_different_codes(session):
    first = F.creditor(session, "华东精密机械制造有限公司")
    second = F.creditor(session, "华东精密物流有限公司")
    named = F.creditor(session, "西南建机有限公司")
    named.letter_code = "华东精密函"  # a code someone set, equal to a derived one
    session.commit()
    codes = {creditor_letter_code(c) for c in (first, second, named)}
    assert len(codes) == 3
    assert creditor_letter_code(first) == f"华东精密{first.id}函"
    assert creditor_letter_code(named) == "华东精密函"
    alone = F.creditor(session, "北方重工股份有限公司")
    assert creditor_letter_code(alone) == "北方重工函"
