"""A lawyer's read of every generated document (DOCUMENTS.md v2, issue 13 points 1-5): for each
document type and each contract kind, rendered from a case built here, converted to PDF with
LibreOffice (one soffice call for all) and read back with pdftotext."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from docx import Document

from docgen.chinese import amount_in_capitals
from docgen.fields import DOCUMENTS
from docgen.pdf import convert
from legalcase.domain.errors import DomainError
from legalcase.models import Creditor, LedgerEntry
from legalcase.services import court, documents, parties, receivables
from legalcase.services.claims import claim_for_case
from storage import LocalStorage
from tests import factories as F

AS_OF = date(2026, 11, 24)
FILINGS = ("complaint", "preservation_application", "enforcement_application")
CREDITOR_LETTERS = ("reminder_30", "reminder_60", "statement", "repayment_agreement")
ARTICLES = {
    "sale": ("买卖合同纠纷", ["第五百九十五条", "第六百二十六条", "第六百二十八条"]),
    "loan": ("金融借款合同纠纷", ["第六百六十七条", "第六百七十四条", "第六百七十六条"]),
    "financing": ("融资租赁合同纠纷", ["第七百三十五条", "第七百五十二条"]),
    "lease": ("租赁合同纠纷", ["第七百零三条", "第七百二十一条", "第七百二十二条"]),
    "service": ("服务合同纠纷", ["第五百七十七条"]),
}
PERSON_ID = "110101199003074514"  # a man born 1990-03-07 (the debtor of the loan case)


def resident_id(body: str) -> str:
    """A resident ID number with its check character (GB 11643)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


GUARANTOR_ID = resident_id("31011219750512002")  # a woman born 1975-05-12


def flat(text: str) -> str:
    """The text without line breaks, spaces or page footers: pdftotext wraps lines inside
    names, and a sentence may run on to the next page."""
    return re.sub(r"第\d+页，共\d+页", "", re.sub(r"\s+", "", text))


def _creditor(session) -> Creditor:
    cred = Creditor(
        name="华东精密机械制造有限公司",
        uscc=F.uscc(1),
        address="上海市闵行区申富路 88 号",
        legal_rep="赵建国",
        legal_rep_title="董事长",
        phone="021-64880001",
        email="ar@huadong.example",
        bank_name="中国工商银行上海莘庄支行",
        account_number="1001234500000000888",
        letter_code="华东建机催",
    )
    session.add(cred)
    session.commit()
    return cred


def _person(session, actor, name: str, code: str = PERSON_ID):
    return parties.create_party(
        session,
        actor,
        {
            "kind": "person",
            "name": name,
            "id_code": code,
            "ethnicity": "01",  # 汉族 (GB/T 3304)
            "registered_address": "北京市东城区东四街 1 号",
            "actual_address": "上海市浦东新区张杨路 5 号",
            "phone": "13800138000",
        },
    )


def _case(session, legal, cred, kind: str, *, person: bool = False, guarantor: bool = False):
    debtor = _person(session, legal, "李明远") if person else F.debtor(session, legal)
    session.commit()
    case = F.case(session, legal, cred=cred, debtor_party=debtor, title=f"{kind}纠纷")
    case.court = "上海市闵行区人民法院"
    session.commit()
    g = _person(session, legal, "王保证", GUARANTOR_ID) if guarantor else None
    contract = receivables.add_contract(
        session,
        legal,
        case,
        {
            "number": f"HT-{kind}-01",
            "kind": kind,
            "signed_date": date(2025, 1, 10),
            "amount": Decimal("300000"),
            "late_fee_type": "annual_rate",
            "late_fee_rate": Decimal("6"),
            "payment_terms": "货到验收后60日内付款",
            "dispute_venue": "上海市闵行区人民法院",
            **({"guarantees": [{"party_id": g.id, "guarantee_type": "joint"}]} if g else {}),
        },
    )
    F.receivable(
        session,
        legal,
        case,
        f"FP-{kind}",
        "123456.78",
        date(2025, 2, 1),
        date(2025, 3, 31),
        contract_id=contract.id,
    )
    session.commit()
    return case


@pytest.fixture
def world(app, session, tmp_path):
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = LocalStorage(tmp_path / "objects")
    legal = F.user(session, "legal", name="陈律师")
    cred = _creditor(session)
    cases = {
        "sale": _case(session, legal, cred, "sale", guarantor=True),
        "loan": _case(session, legal, cred, "loan", person=True),
        "financing": _case(session, legal, cred, "financing"),
        "lease": _case(session, legal, cred, "lease"),
        "service": _case(session, legal, cred, "service"),
    }
    sale = cases["sale"]
    receivables.record_payment(
        session,
        legal,
        sale,
        {"paid_date": date(2025, 6, 30), "amount": Decimal("23456.78")},
        today=AS_OF,
    )
    session.add(
        LedgerEntry(
            case_id=sale.id,
            user_id=legal.id,
            contacted_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
            channel="email",
            summary="发送催款邮件",
            outcome="reached",
            legal_effect="demand",
            arrival_date=date(2026, 3, 2),
        )
    )
    court.add_court_event(
        session,
        legal,
        sale,
        {
            "kind": "preservation",
            "event_date": date(2026, 10, 10),
            "is_pre_suit": True,
            "asset_kind": "bank_deposit",
            "expires_date": date(2027, 10, 9),
            "court_name": "上海市闵行区人民法院",
            "document_number": "（2026）沪0112财保88号",
        },
        today=AS_OF,
    )
    session.commit()
    return session, store, legal, cases, config


def _render(session, store, legal, case, doc_type, config) -> bytes:
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        doc_type,
        as_of=AS_OF,
        config=config,
        override_reason="测试：证据链另行补充",
    )
    with store.open(doc.storage_key) as fh:
        return fh.read()


def _pdf_texts(files: dict[str, bytes], tmp_path) -> dict[str, str]:
    """All the DOCX converted by one soffice call, each read back with pdftotext."""
    paths = []
    for name, data in files.items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    pdfs = convert(paths, tmp_path / "pdf")
    out = {}
    for name, pdf in zip(files, pdfs, strict=True):
        result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        out[name] = result.stdout.decode()
    return out


def docx_text(data: bytes) -> str:
    """The paragraphs and cells of a DOCX, a line each (no wrapping, unlike the PDF)."""
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells) + "\n"


def _no_placeholder(name: str, text: str, data: bytes) -> None:
    """No template marker, None, placeholder court or empty label (read on the DOCX's lines:
    the PDF's lines wrap after any character)."""
    lines = docx_text(data)
    text += lines
    assert "{{" not in text and "{%" not in text and "None" not in text, name
    assert "原告所在地人民法院" not in text, name
    empty = re.search(
        r"(电话|账号|户名|法定代表人|住所地?|编号|统一社会信用代码|号码|案号)：\s*[，。；）\n]",
        lines,
    )
    assert empty is None, (name, empty and lines[max(0, empty.start() - 40) : empty.end() + 10])
    assert "（）" not in flat(text), name


def test_every_document_for_every_contract_kind_reads_right(world, tmp_path):
    session, store, legal, cases, config = world
    files = {}
    for kind, case in cases.items():
        for doc_type in DOCUMENTS:
            if doc_type != "enforcement_application":
                files[f"{kind}-{doc_type}"] = _render(session, store, legal, case, doc_type, config)
    session.commit()
    texts = _pdf_texts(files, tmp_path)
    for kind, case in cases.items():
        claim = claim_for_case(session, case, AS_OF)
        principal, total = claim.principal_outstanding, claim.total
        cause, articles = ARTICLES[kind]
        person = case.debtor.kind == "person"
        for doc_type in DOCUMENTS:
            name = f"{kind}-{doc_type}"
            if name not in texts:
                continue
            raw = texts[name]
            text = flat(raw)
            _no_placeholder(name, raw, files[name])
            assert "华东精密机械制造有限公司" in text and case.debtor.name in text, name
            assert f"{principal:,.2f}" in text, name
            if doc_type in ("reminder_30", "reminder_60", "statement"):
                assert amount_in_capitals(principal) in text, name
            else:
                assert amount_in_capitals(total) in text and f"{total:,.2f}" in text, name
            # the number series of the issuer
            if doc_type == "lawyer_letter":
                assert "明诚律函〔2026〕第" in text and "华东建机催" not in text, name
            elif doc_type in CREDITOR_LETTERS:
                assert "华东建机催〔2026〕第" in text and "律函" not in text, name
            else:
                assert "〔2026〕第" not in text and "律函〔" not in text, name
            # addressed as 您 when the debtor is a natural person, never 贵司
            if person:
                assert "贵司" not in text, name
                if doc_type not in (*FILINGS, "repayment_agreement"):  # 甲方/乙方 there
                    assert "您" in text, name
            if doc_type in FILINGS or doc_type == "repayment_agreement":
                assert F.uscc(1) in text and "赵建国" in text and "董事长" in text, name
                if person:
                    assert PERSON_ID in text and "汉族" in text and "男" in text, name
                else:
                    assert case.debtor.id_code in text and "王强" in text, name
            if doc_type in FILINGS:
                assert "此致上海市闵行区人民法院" in text, name
            if doc_type in ("complaint", "lawyer_letter"):
                assert all(a in text for a in articles), name
                if kind != "sale":
                    assert "第六百二十六条" not in text and "买卖合同纠纷" not in text, name
            if doc_type in ("reminder_30", "reminder_60"):
                assert "电话：021-64880001" in text, name  # a phone after 电话, not an e-mail
        complaint = flat(texts[f"{kind}-complaint"])
        assert f"（{cause}）" in complaint and f"标的总额：{total:,.2f}元" in complaint
        assert "本状副本" in complaint and "【待律师填写：是否了解并愿意先行调解" in complaint
        parts = ["一、当事人信息", "二、诉讼请求", "三、约定管辖和诉前保全", "四、事实与理由"]
        parts += ["五、证据清单", "六、对纠纷解决方式的意愿", "此致"]
        if kind in ("sale", "loan", "financing"):  # the SPC element-style form, parts in order
            positions = [complaint.index(p) for p in parts]
            assert positions == sorted(positions), kind
        else:  # a narrative complaint with the same content
            assert "要素式" not in complaint and "事实与理由：" in complaint, kind
        if kind != "sale":
            assert "分文未付" in complaint, kind  # nothing was paid
            assert "否（本案未登记诉前保全）" in complaint, kind
        preservation = flat(texts[f"{kind}-preservation_application"])
        assert "第一百零四条" in preservation and "三十日内" in preservation
        assert "【待律师填写：担保方式" in preservation
        assert (
            "依据《中华人民共和国民事诉讼法》第一百零四条的规定，申请诉前财产保全" in preservation
        )
        assert "【待律师填写：被申请人的财产线索" in preservation  # no asset lead recorded
        assert "【待律师填写：证据清单" in complaint
    sale = flat(texts["sale-complaint"])
    # the guarantor as a co-defendant with its identity and the claim for joint liability
    assert "被告二：王保证，女，1975年5月12日出生" in sale and GUARANTOR_ID in sale
    assert "判令被告二王保证对上述债务承担连带清偿责任" in sale
    assert "被申请人二：王保证" in flat(texts["sale-preservation_application"])
    letter = flat(texts["sale-lawyer_letter"])
    assert "2026年3月2日以邮件方式向债务人催告" in letter and "被告" not in letter
    # the demand from the ledger with its date and channel; the pre-suit freeze from the events
    assert "原告于2026年3月2日以邮件方式向债务人催告（2026年3月2日送达）" in sale
    assert "是：上海市闵行区人民法院，2026年10月10日，（2026）沪0112财保88号" in sale
    assert "被告一已付23,456.78元" in sale and "分文未付" not in sale
    assert "合同约定由上海市闵行区人民法院管辖" in sale
    assert "王保证提供连带责任保证" in sale and "合同约定逾期付款按年利率6%计收违约金" in sale
    repayment = flat(texts["sale-repayment_agreement"])
    claim = claim_for_case(session, cases["sale"], AS_OF)
    assert "1001234500000000888" in repayment and "中国工商银行上海莘庄支行" in repayment
    assert amount_in_capitals(claim.interest_outstanding) in repayment
    assert "剩余全部款项立即到期" in repayment and "利息" in repayment


def test_enforcement_from_the_judgment_and_refused_without_its_effective_date(world, tmp_path):
    session, store, legal, cases, config = world
    unrecorded = cases["financing"]  # a judgment recorded without the date it took effect
    court.add_court_event(
        session,
        legal,
        unrecorded,
        {
            "kind": "judgment",
            "served_date": date(2026, 9, 1),
            "performance_due": date(2026, 9, 30),
            "court_name": "上海市闵行区人民法院",
            "document_number": "（2026）沪0112民初1233号民事判决书",
        },
        today=AS_OF,
    )
    session.commit()
    with pytest.raises(DomainError) as err:
        _render(session, store, legal, unrecorded, "enforcement_application", config)
    assert "生效日期" in err.value.message
    session.rollback()
    case = cases["lease"]
    court.add_court_event(
        session,
        legal,
        case,
        {
            "kind": "judgment",
            "served_date": date(2026, 9, 1),
            "performance_due": date(2026, 9, 30),
            "effective_date": date(2026, 9, 17),
            "court_name": "上海市闵行区人民法院",
            "document_number": "（2026）沪0112民初1234号民事判决书",
            "awarded_principal": Decimal("123456.78"),
            "awarded_interest": Decimal("5000.00"),
            "awarded_costs": Decimal("2300.00"),
        },
        today=AS_OF,
    )
    session.commit()
    receivables.record_payment(
        session,
        legal,
        case,
        {"paid_date": date(2026, 10, 15), "amount": Decimal("10000")},
        today=AS_OF,
    )
    session.commit()
    data = _render(session, store, legal, case, "enforcement_application", config)
    before = _render(session, store, legal, case, "preservation_application", config)
    session.commit()
    texts = _pdf_texts({"enforcement": data, "preservation": before}, tmp_path)
    text = flat(texts["enforcement"])
    # preservation after the judgment, before enforcement: its basis and the judgment named
    preservation = flat(texts["preservation"])
    assert "第一百六十三条" in preservation and "申请执行前财产保全" in preservation
    assert "（2026）沪0112民初1234号民事判决书已于2026年9月17日发生法律效力" in preservation
    _no_placeholder("enforcement", text, data)
    claim = claim_for_case(session, case, AS_OF)
    assert claim.delayed_performance_interest > 0  # doubled interest since 2026-10-01
    assert "已于2026年9月17日发生法律效力" in text
    assert "130,756.78" in text and "10,000.00" in text  # awarded; paid after the judgment
    assert f"{claim.delayed_performance_interest:,.2f}" in text and "至实际履行之日止" in text
    for figure in (claim.delayed_performance_interest, Decimal("130756.78"), Decimal("10000")):
        assert amount_in_capitals(figure) in text, figure  # each item in capitals too
    assert f"{claim.total:,.2f}" in text and amount_in_capitals(claim.total) in text
    assert F.uscc(1) in text and "赵建国" in text and "此致上海市闵行区人民法院" in text
    assert "〔2026〕第" not in text
