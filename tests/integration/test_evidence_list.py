"""The evidence list (证据目录) and the bundle a court accepts (DOCUMENTS.md v2): source,
purpose, pages and original or copy per item; e-mails printed with headers, body and
attachments; recordings listed with duration, SHA-256 and transcript; every page A4."""

from __future__ import annotations

import io
import re
import subprocess
import wave
from email.message import EmailMessage
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.models import AuditEntry, CustodyEvent, EvidenceItem
from legalcase.services import evidence as ev
from storage import LocalStorage
from storage.hashing import hash_path
from tests import factories as F
from tests.conftest import SHARED

PDFS = SHARED / "fixtures" / "pdf"
A4_W, A4_H = 595.28, 841.89
BODY = "贵司尚欠货款人民币128,000元，请于2026年11月30日前付清。\nPlease pay by 30 November."


def wav(seconds: int = 5, rate: int = 8000) -> bytes:
    """A silent mono WAV of ``seconds`` (the stdlib writes it: no fixture needed)."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * rate * seconds)
    return buf.getvalue()


def eml() -> bytes:
    msg = EmailMessage()
    msg["From"] = "华东建机法务部 <legal@huadong.example.com>"
    msg["To"] = "finance@hengda.example.cn"
    msg["Cc"] = "boss@hengda.example.cn"
    msg["Subject"] = "催款函：合同HD-2026-001项下欠款"
    msg["Date"] = "Tue, 10 Nov 2026 10:00:00 +0800"
    msg.set_content(BODY)
    msg.add_attachment(
        (PDFS / "minimal-document.pdf").read_bytes(),
        maintype="application",
        subtype="pdf",
        filename="statement.pdf",
    )
    return msg.as_bytes()


def big_png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4000, 3000), "lightgray").save(buf, "PNG")  # 67 cm wide at 150 dpi
    return buf.getvalue()


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def env(session, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    store = LocalStorage(tmp_path / "objects")

    def add(data: bytes, name: str, kind: str, **meta) -> EvidenceItem:
        item = ev.add_evidence(
            session,
            store,
            admin,
            case,
            io.BytesIO(data),
            name,
            {"kind": kind, **meta},
            tmp_dir=tmp_path / "tmp",
            max_bytes=50 * 2**20,
        )
        session.commit()
        return item

    return session, admin, case, store, add


@pytest.fixture
def bundle_case(env, tmp_path):
    session, admin, case, store, add = env
    items = {
        "contract": add(
            (PDFS / "crazyones-pdfa.pdf").read_bytes(),  # US Letter: must come out A4
            "contract.pdf",
            "contract",
            title="买卖合同",
            source="原告保存",
            purpose="证明买卖合同关系",
            original_or_copy="original",
        ),
        "email": add(
            eml(),
            "demand.eml",
            "email",
            title="催款邮件",
            source="原告邮箱导出",
            purpose="证明原告已催告",
        ),
        "call": add(
            wav(5),
            "call.wav",
            "call_recording",
            title="催款通话录音",
            source="原告录制",
            purpose="证明被告承认欠款",
            transcript="被告财务：这笔货款我们确实还欠着，月底前安排付款。",
        ),
        "photo": add(
            big_png(), "receipt.png", "delivery_proof", title="签收单照片", source="快递公司"
        ),
    }
    order = [items[k].id for k in ("contract", "email", "call", "photo")]
    bundle = ev.build_case_bundle(session, store, admin, case, order, tmp_dir=tmp_path / "b")
    session.commit()
    out = tmp_path / "bundle.pdf"
    with store.open(bundle.storage_key) as fh:
        out.write_bytes(fh.read())
    return items, bundle, out


def test_upload_reads_the_duration_and_defaults_original_or_copy(env):
    _, _, _, _, add = env
    call = add(wav(5), "call.wav", "call_recording")
    mail = add(eml(), "m.eml", "email")
    paper = add((PDFS / "002-trivial-libre-office-writer.pdf").read_bytes(), "a.pdf", "invoice")
    old_style = add(
        (PDFS / "google-doc-document.pdf").read_bytes(), "b.pdf", "invoice", is_original=True
    )
    assert call.duration_seconds == pytest.approx(5.0)
    assert (call.original_or_copy, mail.original_or_copy) == ("electronic", "electronic")
    assert (paper.original_or_copy, paper.is_original) == ("copy", False)
    assert (old_style.original_or_copy, old_style.is_original) == ("original", True)
    (attachment,) = [i for i in env[0].scalars(select(EvidenceItem)) if i.parent_id == mail.id]
    assert attachment.original_or_copy == "electronic"


def test_a_transcript_belongs_to_a_recording(env):
    _, _, _, _, add = env
    with pytest.raises(ValidationFailed) as err:
        add((PDFS / "minimal-document.pdf").read_bytes(), "a.pdf", "invoice", transcript="x")
    assert "transcript" in err.value.fields


def test_the_list_shows_source_purpose_pages_and_original_or_copy(bundle_case):
    items, bundle, out = bundle_case
    listing = pdftotext(out, "-f", "1", "-l", "1", "-layout")
    pages = {row["number"]: row["pages"] for row in bundle.contents}
    # 1 list page; contract 1 page (fitted); e-mail 1 printed page + 1 attachment page;
    # the recording's sheet; the photo
    assert pages == {"1-1": [2, 2], "2-1": [3, 4], "3-1": [5, 5], "4-1": [6, 6]}
    lines = {
        n: next(line for line in listing.splitlines() if line.strip().startswith(n)) for n in pages
    }
    assert re.search(r"1-1\s+买卖合同\s+原告保存\s+证明买卖合同关系\s+2\s+原件", lines["1-1"])
    assert re.search(
        r"2-1\s+催款邮件\s+原告邮箱导出\s+证明原告已催告\s+3-4\s+电子数据", lines["2-1"]
    )
    assert re.search(
        r"3-1\s+催款通话录音\s+原告录制\s+证明被告承认欠款\s+5\s+电子数据", lines["3-1"]
    )
    assert re.search(r"4-1\s+签收单照片\s+快递公司\s+6\s+复印件", lines["4-1"])
    for word in ("证据名称", "证据来源", "证明目的", "页码", "原件/复印件", "备注"):
        assert word in listing
    assert "录音时长 00:00:05" in lines["3-1"]  # the remark: duration and hash
    assert "SHA-256" in listing.split("3-1", 1)[1].split("4-1")[0]
    # the stamped page numbers agree with the list
    reader = PdfReader(out)
    assert "- 5 -" in reader.pages[4].extract_text() and "3-1" in reader.pages[4].extract_text()


def test_the_email_is_printed_with_headers_body_and_attachment(bundle_case):
    items, bundle, out = bundle_case
    printed = pdftotext(out, "-f", "3", "-l", "3")
    assert "电子邮件打印件" in printed
    assert "legal@huadong.example.com" in printed and "华东建机法务部" in printed
    assert "finance@hengda.example.cn" in printed and "boss@hengda.example.cn" in printed
    assert "催款函：合同HD-2026-001项下欠款" in printed
    assert "Tue, 10 Nov 2026 10:00:00 +0800" in printed
    assert "贵司尚欠货款人民币128,000元" in printed and "Please pay by 30 November." in printed
    assert "statement.pdf（1 页，附后）" in printed
    assert items["email"].sha256 in printed
    # the attachment itself follows, stamped as part of the e-mail's item
    attached = pdftotext(out, "-f", "4", "-l", "4")
    own = pdftotext(PDFS / "minimal-document.pdf").split()
    assert own and all(word in attached for word in own[:5]) and "2-1" in attached


def test_the_recording_is_listed_with_duration_hash_and_transcript(bundle_case):
    items, _, out = bundle_case
    sheet = pdftotext(out, "-f", "5", "-l", "5")
    assert "录音证据说明" in sheet and "00:00:05" in sheet and "call.wav" in sheet
    assert items["call"].sha256 in sheet
    assert "这笔货款我们确实还欠着，月底前安排付款。" in sheet
    listing = pdftotext(out, "-f", "1", "-l", "1").replace("\n", "")
    assert items["call"].sha256 in listing


def test_every_page_is_a4_and_the_image_fits(bundle_case, tmp_path):
    _, bundle, out = bundle_case
    reader = PdfReader(out)
    assert len(reader.pages) == bundle.page_count == 6
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4_W) < 1 and abs(float(box.height) - A4_H) < 1
        assert page.rotation % 360 == 0
    # the 4000 x 3000 px photo: drawn inside the page, downsampled for print
    listed = subprocess.run(
        ["pdfimages", "-f", "6", "-l", "6", "-list", str(out)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    (row,) = listed
    cols = row.split()
    width, height, x_ppi, y_ppi = int(cols[3]), int(cols[4]), float(cols[12]), float(cols[13])
    shown_w, shown_h = width / x_ppi * 72, height / y_ppi * 72
    assert shown_w <= A4_W - 60 and shown_h <= A4_H - 60
    assert shown_w / shown_h == pytest.approx(4000 / 3000, rel=0.01)
    # the list, the printed e-mail and the recording sheet carry an embedded SC face
    fonts = subprocess.run(
        ["pdffonts", str(out)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    cjk = [line.split() for line in fonts if "CJK" in line]
    assert cjk and all("CJKsc" in f[0] and f[-5:-2] == ["yes", "yes", "yes"] for f in cjk)
    assert not any("JP" in line or "jp" in line for line in fonts)
    # the Letter-sized contract was scaled onto A4, its text kept
    assert "crazy" in pdftotext(out, "-f", "2", "-l", "2").lower()


def test_metadata_edits_are_audited_and_never_touch_the_file(env, tmp_path):
    session, admin, case, store, add = env
    call = add(wav(3), "call.wav", "call_recording", title="录音", source="原告录制")
    before_sha, key = call.sha256, call.storage_key
    ev.update_evidence_meta(
        session,
        admin,
        call,
        {
            "title": "2026年11月12日催款通话录音",
            "purpose": "证明被告承认欠款",
            "original_or_copy": "original",
            "transcript": "被告：月底付。",
        },
    )
    session.commit()
    session.rollback()
    item = session.get(EvidenceItem, call.id)
    assert (item.title, item.original_or_copy, item.transcript) == (
        "2026年11月12日催款通话录音",
        "original",
        "被告：月底付。",
    )
    assert item.source == "原告录制"  # left out: unchanged
    assert (item.sha256, item.storage_key) == (before_sha, key)
    local = tmp_path / "check.wav"
    with store.open(key) as fh:
        local.write_bytes(fh.read())
    assert hash_path(local)[0] == before_sha
    (entry,) = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "evidence_items",
            AuditEntry.entity_id == call.id,
            AuditEntry.action == "update",
        )
    ).all()
    assert entry.user_id == admin.id and entry.case_id == case.id
    assert entry.before == {
        "title": "录音",
        "purpose": None,
        "original_or_copy": "electronic",
        "transcript": None,
    }
    assert entry.after["transcript"] == "被告：月底付。"
    assert not session.scalars(
        select(CustodyEvent).where(
            CustodyEvent.evidence_id == call.id, CustodyEvent.action != "upload"
        )
    ).all()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": None}, "title"),
        ({"original_or_copy": "photocopy"}, "original_or_copy"),
        ({"transcript": "不是录音"}, "transcript"),
    ],
)
def test_bad_metadata_is_refused_and_nothing_changes(env, data, field):
    session, admin, _, _, add = env
    pdf = add((PDFS / "minimal-document.pdf").read_bytes(), "a.pdf", "invoice", title="发票")
    with pytest.raises(ValidationFailed) as err:
        ev.update_evidence_meta(session, admin, pdf, data)
    assert field in err.value.fields
    session.rollback()
    assert session.get(EvidenceItem, pdf.id).title == "发票"


def test_a_withdrawn_item_cannot_be_edited(env):
    session, admin, _, _, add = env
    pdf = add((PDFS / "minimal-document.pdf").read_bytes(), "a.pdf", "invoice")
    ev.withdraw(session, admin, pdf, "错传")
    session.commit()
    with pytest.raises(DomainError, match="不能修改"):
        ev.update_evidence_meta(session, admin, pdf, {"source": "x"})


def test_an_html_email_prints_its_text_and_names_what_cannot_be_printed(tmp_path):
    from docgen.evidence_pages import PrintedEmail, email_pdf
    from docgen.inspect import parse_email

    msg = EmailMessage()
    msg["From"] = "finance@hengda.example.cn"
    msg["To"] = "legal@huadong.example.com"
    msg["Subject"] = "关于付款安排"
    msg["Date"] = "Wed, 11 Nov 2026 09:30:00 +0800"
    msg.set_content(
        "<html><body><p>我司确认欠款&nbsp;128,000&nbsp;元。</p><script>x()</script>"
        "<p>将于12月分两期支付。</p></body></html>",
        subtype="html",
        charset="gb18030",
    )
    buf = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (300, 2400), "white").save(buf, "JPEG")  # a long screenshot
    msg.add_attachment(buf.getvalue(), maintype="image", subtype="jpeg", filename="截图.jpg")
    msg.add_attachment(b"PK\x03\x04junk", maintype="application", subtype="zip", filename="a.zip")
    path = tmp_path / "m.eml"
    path.write_bytes(msg.as_bytes())
    mail = parse_email(path)
    assert mail.body == "我司确认欠款 128,000 元。\n将于12月分两期支付。"
    printed = email_pdf(
        PrintedEmail(
            "回复邮件",
            mail.meta["from"],
            mail.meta["to"],
            mail.meta["cc"],
            mail.date_header,
            mail.meta["subject"],
            mail.body,
            "0" * 64,
            mail.attachments,
        ),
        tmp_path,
        "m",
    )
    reader = PdfReader(printed)
    assert len(reader.pages) == 2  # the printed e-mail, then the screenshot on its own page
    text = pdftotext(printed)
    assert "我司确认欠款 128,000 元。" in text and "x()" not in text
    assert "截图.jpg（1 页，附后）" in text and "a.zip（该格式不能打印，未附入）" in text
    assert all(abs(float(p.mediabox.height) - A4_H) < 1 for p in reader.pages)
