import pytest

from legalcase.domain.errors import ValidationFailed
from legalcase.schemas import LedgerSchema, PaymentSchema, ReceivableSchema, parse


def _errors(schema, raw):
    with pytest.raises(ValidationFailed) as err:
        parse(schema, raw)
    return err.value


def test_impossible_and_malformed_dates_are_named():
    err = _errors(
        ReceivableSchema(),
        {"invoice_no": "A1", "amount": "10", "issue_date": "2023-02-30", "due_date": "31/03/2023"},
    )
    assert set(err.fields) == {"issue_date", "due_date"}
    assert "开票日期" in err.message and "到期日" in err.message


@pytest.mark.parametrize(
    ("amount", "msg"),
    [
        ("-5", "大于 0"),
        ("abc", "金额数字"),
        ("1.234", "两位小数"),
        ("NaN", "金额数字"),
        ("0", "大于 0"),
    ],
)
def test_bad_amounts(amount, msg):
    err = _errors(PaymentSchema(), {"paid_date": "2026-01-01", "amount": amount})
    assert msg in err.fields["amount"]


def test_unknown_currency():
    err = _errors(PaymentSchema(), {"paid_date": "2026-01-01", "amount": "1", "currency": "RMBX"})
    assert "未知币种" in err.fields["currency"]


def test_amounts_with_separators_and_blank_optional_fields():
    data = parse(
        PaymentSchema(),
        {"paid_date": "2026-01-01", "amount": "¥1,234.5", "reference": " ", "currency": ""},
    )
    assert str(data["amount"]) == "1234.50"
    assert data["currency"] == "CNY"
    assert "reference" not in data


def test_required_fields():
    err = _errors(LedgerSchema(), {})
    assert {"contacted_at", "channel", "summary", "outcome"} <= set(err.fields)
    assert err.fields["summary"] == "必填"


def test_nested_instalment_errors_point_at_the_line():
    err = _errors(
        ReceivableSchema(),
        {
            "invoice_no": "A",
            "amount": "10",
            "issue_date": "2026-01-01",
            "due_date": "2026-02-01",
            "instalments": [{"due_date": "2026-02-01", "amount": "x"}],
        },
    )
    assert "instalments.0.amount" in err.fields


def test_every_governing_law_the_contract_form_offers_gets_a_limitation_deadline():
    from datetime import date

    from legalcase import schemas as S
    from legalcase.domain.calendar import china_calendar
    from legalcase.domain.deadlines import Claim, compute

    offered = S.ContractSchema().fields["governing_law"].metadata["choices"]
    for law in offered:
        (limitation,) = compute(
            Claim(law, date(2024, 3, 31)), date(2025, 1, 1), china_calendar(), per_event=False
        )
        assert limitation.kind == "limitation" and limitation.date > date(2025, 1, 1), law


def test_the_preservation_form_shows_each_kind_of_property_with_its_freeze_period():
    from legalcase import schemas as S

    choices = S.CourtEventSchema().fields["asset_kind"].metadata["choices"]
    assert choices == {
        "bank_deposit": "银行存款（1年）",
        "movable": "动产（2年）",
        "real_estate": "不动产（3年）",
        "other_right": "其他财产权（3年）",
    }
