from datetime import date
from decimal import Decimal

import pytest

from legalcase.services.dashboard import export_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+86 21 5888", "'+86 21 5888"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("\x07=1+1", "'=1+1"),  # the forbidden character goes first, then the formula is seen
        ("恒达\x00\x07\x1b机电\ufffe", "恒达机电"),
        ("第一行\n第二行\t制表", "第一行\n第二行\t制表"),
        ("甲公司 = 乙公司", "甲公司 = 乙公司"),
        (Decimal("-1234.56"), Decimal("-1234.56")),  # real numbers stay numbers
        (-7, -7),
        (date(2026, 11, 24), date(2026, 11, 24)),
        (None, None),
    ],
)
def test_cells_are_made_safe_for_csv_and_xlsx(value, cell):
    assert export_cell(value) == cell


def test_a_cell_is_cut_to_what_a_spreadsheet_keeps():
    assert len(export_cell("长" * 40000)) == 32767
