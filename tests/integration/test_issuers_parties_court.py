"""DOCUMENTS.md v2 "Who issues it, and its number", "Parties", "The court is a real court":
a number series per issuer, identity blocks for companies and natural persons, and filings
refused without a real court."""

from __future__ import annotations

import io
import threading
from datetime import date

import pytest
from docx import Document
from sqlalchemy import select

from legalcase.domain.courts import district_court
from legalcase.domain.errors import DomainError
from legalcase.models import Case, Creditor, GeneratedDocument, LetterCounter, User
from legalcase.services import documents, parties, receivables
from legalcase.services.documents.parties_context import court_suggestions
from legalcase.services.uow import UnitOfWork
from storage import LocalStorage
from tests import factories as F

AS_OF = date(2026, 11, 24)
FILINGS = ("complaint", "preservation_application", "enforcement_application")


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _creditor(session, name: str, code: str | None, **extra) -> Creditor:
    c = Creditor(name=name, letter_code=code, address="上海市闵行区申富路 88 号", **extra)
    session.add(c)
    session.commit()
    return c


def _owing_case(session, legal, cred, debtor=None, title="货款纠纷") -> Case:
    case = F.case(session, legal, cred=cred, debtor_party=debtor, title=title)
    F.receivable(
        session, legal, case, f"FP-{case.id}", "50000.00", date(2025, 1, 1), date(2025, 3, 1)
    )
    return case


@pytest.fixture
def setup(app, session, tmp_path):
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp"), "FIRM_CODE": "明诚律函"}
    store = LocalStorage(tmp_path / "objects")
    legal = F.user(session, "legal", name="陈律师")
    return session, store, legal, config


def _generate(session, store, legal, case, doc_type, config):
    return documents.generate(
        session, store, legal, case, doc_type, as_of=AS_OF, config=config, override_reason="测试"
    )


def test_each_issuer_numbers_in_its_own_series_and_filings_carry_none(setup):
    session, store, legal, config = setup
    east = _creditor(session, "华东建设机械有限公司", "华东建机催")
    west = _creditor(session, "西部供应链管理有限公司", None)  # no code set: from its name
    a, b = _owing_case(session, legal, east), _owing_case(session, legal, west)
    a.court = "上海市闵行区人民法院"
    session.commit()
    letter = _generate(session, store, legal, a, "lawyer_letter", config)
    reminder = _generate(session, store, legal, a, "reminder_30", config)
    statement = _generate(session, store, legal, a, "statement", config)
    other = _generate(session, store, legal, b, "reminder_60", config)
    complaint = _generate(session, store, legal, a, "complaint", config)
    session.commit()
    assert letter.letter_number == "明诚律函〔2026〕第0001号"
    assert reminder.letter_number == "华东建机催〔2026〕第0001号"
    assert statement.letter_number == "华东建机催〔2026〕第0002号"
    assert other.letter_number == "西部供应函〔2026〕第0001号"
    assert complaint.letter_number is None
    with store.open(reminder.storage_key) as fh:
        text = text_of(fh.read())
    assert "华东建机催〔2026〕第0001号" in text and "律函" not in text
    with store.open(complaint.storage_key) as fh:
        text = text_of(fh.read())
    assert "律函" not in text and "华东建机催" not in text and "上海市闵行区人民法院" in text
    # the next lawyer's letter follows the firm's series, untouched by the creditor's letters
    assert _generate(session, store, legal, b, "lawyer_letter", config).letter_number.endswith(
        "第0002号"
    )


def _series(numbers: list[str], code: str) -> list[int]:
    return sorted(int(n.split("第")[1][:4]) for n in numbers if n.startswith(code))


def test_concurrent_generation_is_gap_free_per_issuer(app, setup):
    """4 writers at once, each: a lawyer's letter and a reminder for creditor A, a statement
    for creditor B, and a reminder for A that is rolled back (its number comes back)."""
    session, store, legal, config = setup
    east = _creditor(session, "华东建设机械有限公司", "华东建机催")
    west = _creditor(session, "西部供应链管理有限公司", "西部供催")
    case_ids = (_owing_case(session, legal, east).id, _owing_case(session, legal, west).id)
    sessions = app.extensions["legalcase_db"]["sessions"]
    results: list[str] = []
    errors: list[Exception] = []

    def work() -> None:
        try:
            for _ in range(3):
                plan = (("lawyer_letter", 0), ("reminder_30", 0), ("statement", 1))
                for doc_type, which in plan:
                    with UnitOfWork(sessions, store, write=True) as uow:
                        s = uow.session
                        case, user = s.get(Case, case_ids[which]), s.get(User, legal.id)
                        doc = _generate(s, uow.storage, user, case, doc_type, config)
                        uow.commit()
                        results.append(doc.letter_number)
                with UnitOfWork(sessions, store, write=True) as uow:  # rolled back
                    case, user = uow.session.get(Case, case_ids[0]), uow.session.get(User, legal.id)
                    _generate(uow.session, uow.storage, user, case, "reminder_60", config)
                    uow.rollback()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(results) == len(set(results)) == 36  # no duplicate
    for code in ("明诚律函", "华东建机催", "西部供催"):
        assert _series(results, code) == list(range(1, 13)), code  # no gap
    session.rollback()
    stored = session.scalars(select(GeneratedDocument.letter_number)).all()
    assert sorted(stored) == sorted(results)
    counters = {c.issuer: c.last_number for c in session.scalars(select(LetterCounter))}
    assert counters == {"firm": 12, f"creditor:{east.id}": 12, f"creditor:{west.id}": 12}


def test_a_filing_without_a_real_court_is_refused_before_anything_is_numbered(setup):
    session, store, legal, config = setup
    cred = _creditor(session, "华东建设机械有限公司", "华东建机催")
    case = _owing_case(session, legal, cred)
    for doc_type in FILINGS:
        with pytest.raises(DomainError, match="缺少：受理法院") as exc:
            _generate(session, store, legal, case, doc_type, config)  # even with a reason
        assert exc.value.fields["court"]
    case.court = "原告所在地人民法院"  # a forum clause's words, not a court
    session.commit()
    with pytest.raises(DomainError, match="不是具体法院的名称"):
        _generate(session, store, legal, case, "complaint", config)
    session.rollback()
    assert session.scalars(select(GeneratedDocument)).all() == []
    assert session.scalars(select(LetterCounter)).all() == []
    case = session.get(Case, case.id)
    case.court = "上海市闵行区人民法院"
    session.commit()
    doc = _generate(session, store, legal, case, "complaint", config)
    with store.open(doc.storage_key) as fh:
        text = text_of(fh.read())
    assert doc.letter_number is None and "上海市闵行区人民法院" in text
    assert "原告所在地" not in text


def test_a_natural_person_is_addressed_as_you_with_sex_birth_date_and_id(setup):
    session, store, legal, config = setup
    cred = _creditor(
        session,
        "华东建设机械有限公司",
        "华东建机催",
        uscc=F.uscc(7),
        legal_rep="李华",
        legal_rep_title="董事长",
        phone="021-6488 1234",
        email="ar@huadong.example",
        bank_name="中国工商银行上海莘庄支行",
        account_name="华东建设机械有限公司",
        account_number="1001234567890123456",
    )
    person = parties.create_party(
        session,
        legal,
        {
            "kind": "person",
            "name": "张伟",
            "id_type": "resident_id",
            "id_code": "110101199003074514",
            "sex": "male",
            "birth_date": date(1990, 3, 7),
            "ethnicity": "01",
            "registered_address": "北京市东城区东华门街道 1 号",
            "actual_address": "上海市浦东新区张江路 500 弄 3 号",
            "phone": "138 0013 8000",
        },
    )
    session.commit()
    case = _owing_case(session, legal, cred, debtor=person)
    context = documents.document_context(session, case, AS_OF, documents.firm_profile(config))
    debtor = context["debtor"]
    assert context["salutation"] == debtor["salutation"] == "您"
    assert (debtor["sex"], debtor["birth_date"], debtor["ethnicity"]) == (
        "男",
        "1990年3月7日",
        "汉族",
    )
    assert debtor["id_type"] == "居民身份证" and debtor["id_number"] == "110101199003074514"
    assert debtor["identity"] == (
        "张伟，男，1990年3月7日出生，汉族，居民身份证号码：110101199003074514，"
        "户籍地：北京市东城区东华门街道 1 号，经常居住地：上海市浦东新区张江路 500 弄 3 号，"
        "联系电话：138 0013 8000"
    )
    assert "贵司" not in debtor["identity"] and debtor["legal_rep"] == ""
    creditor = context["creditor"]
    assert creditor["legal_rep"] == "李华" and creditor["legal_rep_title"] == "董事长"
    assert creditor["account"] == (
        "开户行：中国工商银行上海莘庄支行，户名：华东建设机械有限公司，账号：1001234567890123456"
    )
    assert creditor["contact"] == "电话：021-6488 1234，邮箱：ar@huadong.example"
    assert "法定代表人：李华，职务：董事长" in creditor["identity"]
    # where the current templates print them: the account on the reminder, the legal
    # representative on the complaint
    reminder = _generate(session, store, legal, case, "reminder_30", config)
    session.commit()
    case.court = "上海市浦东新区人民法院"
    session.commit()
    complaint = _generate(session, store, legal, case, "complaint", config)
    with store.open(reminder.storage_key) as fh:
        assert "1001234567890123456" in text_of(fh.read())
    with store.open(complaint.storage_key) as fh:
        text = text_of(fh.read())
    assert "李华" in text and "上海市浦东新区人民法院" in text


def test_a_company_is_addressed_as_your_company_with_its_registered_identity(setup):
    session, store, legal, config = setup
    cred = _creditor(session, "华东建设机械有限公司", "华东建机催")
    case = _owing_case(session, legal, cred)
    context = documents.document_context(session, case, AS_OF, documents.firm_profile(config))
    debtor = context["debtor"]
    assert context["salutation"] == "贵司" and debtor["id_type"] == "统一社会信用代码"
    assert debtor["identity"].startswith("苏州恒达机电设备有限公司，统一社会信用代码：")
    assert "住所地：苏州市工业园区星湖街 328 号，法定代表人：王强" in debtor["identity"]
    assert "出生" not in debtor["identity"]


def test_court_suggestions_come_from_the_forum_clause_else_the_defendants_domicile(setup):
    session, store, legal, config = setup
    cred = _creditor(session, "华东建设机械有限公司", "华东建机催")
    case = _owing_case(session, legal, cred)
    # no contract: the court of the defendant's domicile (苏州市工业园区…)
    assert court_suggestions(session, case) == ["苏州市工业园区人民法院"]
    contract = {
        "number": "HD-1",
        "kind": "sale",
        "signed_date": date(2025, 1, 1),
        "amount": "1000",
        "dispute_resolution": "court",
        "dispute_venue": "原告所在地人民法院",
    }
    receivables.add_contract(session, legal, case, contract)
    session.commit()
    # the clause names the plaintiff's domicile: the creditor's district court, never the words
    assert court_suggestions(session, case) == ["上海市闵行区人民法院"]
    receivables.add_contract(
        session, legal, case, {**contract, "number": "HD-2", "dispute_venue": "上海金融法院"}
    )
    session.commit()
    assert "上海金融法院" in court_suggestions(session, case)
    assert "原告所在地人民法院" not in court_suggestions(session, case)


@pytest.mark.parametrize(
    ("address", "court"),
    [
        ("上海市闵行区莘庄工业区申富路 88 号", "上海市闵行区人民法院"),
        ("浙江省杭州市西湖区文三路 1 号", "杭州市西湖区人民法院"),
        ("江苏省苏州市昆山市前进路 2 号", "昆山市人民法院"),
        ("地址不详", None),
        (None, None),
    ],
)
def test_district_court_of_an_address(address, court):
    assert district_court(address) == court


def test_a_resident_id_number_gives_sex_and_birth_date_when_not_entered(setup):
    session, store, legal, config = setup
    cred = _creditor(session, "华东建设机械有限公司", "华东建机催")
    person = parties.create_party(
        session,
        legal,
        {"kind": "person", "name": "刘芳", "id_code": "110101199003074514", "sex": None},
    )
    session.commit()
    case = _owing_case(session, legal, cred, debtor=person)
    debtor = documents.document_context(session, case, AS_OF, documents.firm_profile(config))[
        "debtor"
    ]
    # 17th digit 1 (odd): a man; born 1990-03-07; nothing else entered, nothing else said
    assert (debtor["sex"], debtor["birth_date"], debtor["id_type"]) == (
        "男",
        "1990年3月7日",
        "居民身份证",
    )
    assert debtor["identity"] == "刘芳，男，1990年3月7日出生，居民身份证号码：110101199003074514"
