"""Evidence for real: the shared real-world PDFs, bad files, tampering, custody, bundles."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from legalcase.domain.errors import DomainError
from legalcase.models import CustodyEvent, EvidenceItem
from legalcase.services import cases, ledger
from legalcase.services import evidence as ev
from storage import LocalStorage
from tests import factories as F
from tests.conftest import SHARED

PDFS = SHARED / "fixtures" / "pdf"
EML = (
    b"From: legal@huadong.example.com\r\nTo: finance@hengda.example.cn\r\nSubject: =?utf-8?b?5YKs5qy+5Ye9?=\r\n"
    b"Date: Tue, 10 Nov 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
    b'please pay\r\n--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="s.pdf"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\n"
)


@pytest.fixture
def env(session, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    store = LocalStorage(tmp_path / "objects")

    def add(
        data: bytes | str, name: str, kind: str = "contract", max_bytes: int = 50 * 2**20, **meta
    ):
        stream = open(data, "rb") if not isinstance(data, bytes) else io.BytesIO(data)
        with stream:
            item = ev.add_evidence(
                session,
                store,
                admin,
                case,
                stream,
                name,
                {"kind": kind, **meta},
                tmp_dir=tmp_path / "tmp",
                max_bytes=max_bytes,
            )
        session.commit()
        return item

    return session, admin, case, store, add


def count(session, model=EvidenceItem) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    ("name", "pages"),
    [
        ("pdflatex-4-pages.pdf", 4),
        ("crazyones-pdfa.pdf", 1),
        ("imagemagick-CCITTFaxDecode.pdf", 1),
        ("with-attachment.pdf", 1),
        ("annotated_pdf.pdf", 1),
        ("mistitled_outlines_example.pdf", 4),
        ("google-doc-document.pdf", 1),
        ("002-trivial-libre-office-writer.pdf", 1),
    ],
)
def test_real_world_pdfs_are_taken_with_hash_and_page_count(env, name, pages):
    session, _, case, store, add = env
    item = add(str(PDFS / name), name)
    assert item.page_count == pages and item.content_type == "application/pdf"
    with store.open(item.storage_key) as fh:
        assert fh.read() == (PDFS / name).read_bytes()
    assert item.storage_key == f"cases/{case.id}/{item.sha256}"
    (event,) = session.scalars(
        select(CustodyEvent).where(CustodyEvent.evidence_id == item.id)
    ).all()
    assert event.action == "upload" and event.detail["sha256"] == item.sha256


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PDFS / "libreoffice-writer-password.pdf", "c.pdf", "PDF 已加密"),
        (PDFS / "unreadablemetadata.pdf", "c.pdf", "PDF 文件损坏或无法解析"),
        ((PDFS / "pdflatex-4-pages.pdf").read_bytes()[:5000], "cut.pdf", "PDF 文件损坏或无法解析"),
        (b"", "empty.pdf", "文件为空"),
        ((PDFS / "minimal-document.pdf").read_bytes(), "scan.jpg", "扩展名 .jpg 与内容（PDF）不符"),
        (bytes(range(256)) * 50, "blob.bin", "不支持的文件类型"),
        (b"MZ\x90\x00" + bytes(5000), "tool.exe", "不支持的文件类型"),
        (b"x" * 3000, "big.txt", "文件超过上限"),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_stored(env, data, name, message):
    session, _, _, store, add = env
    payload = data if isinstance(data, bytes) else data.read_bytes()
    with pytest.raises(DomainError) as err:
        add(payload, name, max_bytes=2000 if name == "big.txt" else 50 * 2**20)
    assert message in err.value.message
    session.rollback()
    assert count(session) == 0 and count(session, CustodyEvent) == 0
    assert not any(p.is_file() for p in store.root.rglob("*"))


def test_a_malicious_file_name_cannot_choose_where_bytes_go(env):
    _, _, case, store, add = env
    item = add(b"hello evidence", "../../../../etc/cron.d/evil.txt")
    assert item.original_filename == "evil.txt"
    assert item.storage_key == f"cases/{case.id}/{item.sha256}"
    assert (store.root / item.storage_key).is_file()


def test_a_failure_after_storing_leaves_no_object_and_no_row(app, env, tmp_path, monkeypatch):
    from legalcase.models import Case, User
    from legalcase.services.uow import UnitOfWork

    session, admin, case, store, _ = env

    def boom():
        raise RuntimeError("database went away")

    sessions = app.extensions["legalcase_db"]["sessions"]
    with UnitOfWork(sessions, store, write=True) as uow:
        with open(PDFS / "minimal-document.pdf", "rb") as fh:
            ev.add_evidence(
                uow.session,
                uow.storage,
                uow.session.get(User, admin.id),
                uow.session.get(Case, case.id),
                fh,
                "a.pdf",
                {"kind": "contract"},
                tmp_dir=tmp_path / "tmp",
                max_bytes=2**20,
            )
        assert any(p.is_file() for p in store.root.rglob("*"))  # stored before the commit
        monkeypatch.setattr(uow.session, "commit", boom)
        with pytest.raises(RuntimeError):
            uow.commit()
    session.rollback()
    assert count(session) == 0
    assert not any(p.is_file() for p in store.root.rglob("*"))


def test_tampering_is_reported_by_verify(env):
    session, admin, case, store, add = env
    good = add(str(PDFS / "minimal-document.pdf"), "a.pdf")
    bad = add(b"statement of account v1", "s.txt", kind="statement")
    path = store.root / bad.storage_key
    os.chmod(path, 0o640)
    path.write_bytes(b"statement of account v2")  # behind the app's back
    gone = add(b"call notes", "n.txt", kind="other")
    (store.root / gone.storage_key).unlink()
    result = ev.verify(session, store, case.id, admin.id)
    problems = {item.id: text for item, text in result.problems}
    assert result.checked == 3 and set(problems) == {bad.id, gone.id}
    assert "内容已被改动" in problems[bad.id] and "找不到" in problems[gone.id]
    session.refresh(good)
    assert good.is_last_verify_ok is True and bad.is_last_verify_ok is False


def test_supersede_and_withdraw_keep_the_bytes(env):
    session, admin, case, store, add = env
    v1 = add(b"contract draft", "c1.txt")
    v2 = ev.add_evidence(
        session,
        store,
        admin,
        case,
        io.BytesIO(b"contract signed"),
        "c2.txt",
        {"kind": "contract", "reason": "签字版"},
        supersedes=v1,
        tmp_dir=store.root.parent / "t",
        max_bytes=2**20,
    )
    assert v1.status == "superseded" and v1.status_reason == "签字版" and v2.supersedes_id == v1.id
    with pytest.raises(DomainError):
        ev.withdraw(session, admin, v2, " ")
    ev.withdraw(session, admin, v2, "误传")
    for item in (v1, v2):
        assert store.exists(item.storage_key)
    actions = session.scalars(select(CustodyEvent.action).order_by(CustodyEvent.id)).all()
    assert actions == ["upload", "upload", "supersede", "withdraw"]


def test_an_email_is_parsed_and_its_attachment_kept(env):
    session, _, _, _, add = env
    import base64

    pdf = (PDFS / "minimal-document.pdf").read_bytes()
    item = add(EML + base64.encodebytes(pdf) + b"\r\n--B--\r\n", "mail.eml", kind="email")
    assert item.content_type == "message/rfc822"
    assert (
        item.email_meta["to"] == "finance@hengda.example.cn"
        and item.email_meta["subject"] == "催款函"
    )
    assert item.email_meta["date"].startswith("2026-11-10T10:00:00")
    (child,) = session.scalars(select(EvidenceItem).where(EvidenceItem.parent_id == item.id)).all()
    assert child.content_type == "application/pdf" and child.page_count == 1


def test_checklist_and_proven_interruptions(env):
    session, admin, case, _, add = env
    page = ev.evidence_page(session, case)
    letter = {s.step: s for s in page.checklist}["lawyer_letter"]
    assert not letter.complete and any("发票" in m for m in letter.missing)
    F.receivable(session, admin, case)
    entry = ledger.record_contact(
        session,
        admin,
        case,
        {
            "contacted_at": datetime(2026, 11, 2, 2, tzinfo=UTC),
            "channel": "letter",
            "summary": "律师函",
            "outcome": "reached",
            "legal_effect": "demand",
            "arrival_date": datetime(2026, 11, 4).date(),
        },
    )
    assert ev.evidence_page(session, case).interruptions[0]["proven"] is False
    add(str(PDFS / "minimal-document.pdf"), "c.pdf", kind="contract")
    add(str(PDFS / "crazyones-pdfa.pdf"), "d.pdf", kind="delivery")
    add(str(PDFS / "annotated_pdf.pdf"), "i.pdf", kind="invoice")
    proof = add(b"EMS 1234567890 signed 2026-11-04", "ems.txt", kind="delivery_proof")
    proof.ledger_entries = [entry]
    session.commit()
    page = ev.evidence_page(session, case)
    assert {s.step: s for s in page.checklist}["lawyer_letter"].complete
    assert page.interruptions[0]["proven"] is True


def test_the_bundle_numbers_stamps_and_bookmarks(env, tmp_path):
    session, admin, case, store, add = env
    a = add(str(PDFS / "pdflatex-4-pages.pdf"), "a.pdf", kind="contract", title="买卖合同")
    b = add(str(PDFS / "pdflatex-outline.pdf"), "b.pdf", kind="contract", title="补充协议")
    c = add(str(PDFS / "minimal-document.pdf"), "c.pdf", kind="invoice", title="增值税发票")
    d = add(b"ID3" + bytes(4000), "call.mp3", kind="call_recording", title="催款录音")
    bundle = ev.build_case_bundle(
        session, store, admin, case, [a.id, b.id, c.id, d.id], tmp_dir=tmp_path
    )
    with store.open(bundle.storage_key) as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    # a recording is a sheet of its own (duration, SHA-256, transcript); the audio goes separately
    assert bundle.page_count == len(reader.pages) == 1 + 4 + 4 + 1 + 1
    numbers = {row["evidence_id"]: row for row in bundle.contents}
    assert [numbers[i]["number"] for i in (a.id, b.id, c.id, d.id)] == ["1-1", "1-2", "2-1", "3-1"]
    assert (
        numbers[a.id]["pages"] == [2, 5]
        and numbers[b.id]["pages"] == [6, 9]
        and numbers[c.id]["pages"] == [10, 10]
    )
    assert numbers[d.id]["pages"] == [11, 11]
    outline = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert outline == [
        ("证据目录", 0),
        ("1-1 买卖合同", 1),
        ("1-2 补充协议", 5),
        ("2-1 增值税发票", 9),
        ("3-1 催款录音", 10),
    ]
    listing = reader.pages[0].extract_text()
    assert "2-5" in listing and "6-9" in listing and d.sha256 in listing.replace("\n", "")
    assert "录音时长 未知" in listing  # this "MP3" has no frames: no length can be read
    sixth = reader.pages[5].extract_text()
    assert "- 6 -" in sixth and "1-2" in sixth
    exports = session.scalars(select(CustodyEvent).where(CustodyEvent.action == "export")).all()
    assert {e.evidence_id for e in exports} == {a.id, b.id, c.id, d.id}


def test_entering_litigation_places_a_legal_hold(session, minio_storage, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    item = ev.add_evidence(
        session,
        minio_storage,
        admin,
        case,
        open(PDFS / "minimal-document.pdf", "rb"),
        "a.pdf",
        {"kind": "contract"},
        tmp_dir=tmp_path,
        max_bytes=2**20,
    )
    assert not minio_storage.has_legal_hold(item.storage_key)
    cases.move_stage(session, admin, case, "demand", "律师函无果", minio_storage)
    assert not minio_storage.has_legal_hold(item.storage_key)
    cases.move_stage(session, admin, case, "litigation", "起诉", minio_storage)
    assert minio_storage.has_legal_hold(item.storage_key)


def test_every_accepted_real_world_pdf_can_be_stamped_into_one_bundle(env, tmp_path):
    session, admin, case, store, add = env
    names = [
        "002-trivial-libre-office-writer.pdf",
        "annotated_pdf.pdf",
        "crazyones-pdfa.pdf",
        "google-doc-document.pdf",
        "imagemagick-CCITTFaxDecode.pdf",
        "minimal-document.pdf",
        "mistitled_outlines_example.pdf",
        "pdflatex-4-pages.pdf",
        "pdflatex-outline.pdf",
        "with-attachment.pdf",
    ]
    items = [add(str(PDFS / n), n, kind="other", title=n) for n in names]
    bundle = ev.build_case_bundle(
        session, store, admin, case, [i.id for i in items], tmp_dir=tmp_path
    )
    with store.open(bundle.storage_key) as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    assert bundle.page_count == len(reader.pages) == 1 + sum(i.page_count for i in items)
    # the sources' own bookmarks are replaced cleanly by one per item
    assert [o.title for o in reader.outline] == ["证据目录"] + [
        f"1-{k} {n}" for k, n in enumerate(names, 1)
    ]
    last = reader.pages[-1].extract_text()
    assert f"- {bundle.page_count} -" in last and "1-10" in last


def test_a_storage_failure_leaves_no_row(env, monkeypatch):
    session, _, _, store, add = env

    def refuse(key, path):
        from storage import StorageError

        raise StorageError("disk full")

    monkeypatch.setattr(store, "put_file", refuse)
    with pytest.raises(DomainError, match="未能保存到存储"):
        add(b"some text", "a.txt")
    session.rollback()
    assert count(session) == 0 and count(session, CustodyEvent) == 0


def test_images_become_pages_of_the_bundle(env, tmp_path):
    from PIL import Image

    session, admin, case, store, add = env
    buf = io.BytesIO()
    Image.new("RGB", (800, 1100), "white").save(buf, "PNG")
    png = add(buf.getvalue(), "签收单.png", kind="delivery_proof", title="快递签收单")
    buf = io.BytesIO()
    Image.new("RGB", (1100, 800), "gray").save(buf, "JPEG")
    jpg = add(buf.getvalue(), "receipt.jpeg", kind="delivery", title="收货回执")
    assert (png.content_type, png.page_count, jpg.content_type) == ("image/png", 1, "image/jpeg")
    bundle = ev.build_case_bundle(session, store, admin, case, [png.id, jpg.id], tmp_dir=tmp_path)
    assert bundle.page_count == 3
    assert [row["pages"] for row in bundle.contents] == [[2, 2], [3, 3]]


def test_the_same_file_again_is_refused_naming_the_first_and_nothing_is_written(env):
    session, admin, case, store, add = env
    first = add((PDFS / "pdflatex-4-pages.pdf").read_bytes(), "合同.pdf")
    add((PDFS / "minimal-document.pdf").read_bytes(), "发票.pdf", kind="invoice")
    events = count(session, CustodyEvent)
    with pytest.raises(ev.upload.DuplicateEvidence) as caught:
        add((PDFS / "pdflatex-4-pages.pdf").read_bytes(), "合同副本.pdf", kind="other")
    session.rollback()
    assert "第1项证据“合同.pdf”内容相同" in caught.value.message
    assert caught.value.existing_id == first.id and caught.value.fields == {
        "file": "与第1项证据内容相同"
    }
    assert count(session) == 2 and count(session, CustodyEvent) == events
    with store.open(first.storage_key) as kept:
        assert kept.read() == (PDFS / "pdflatex-4-pages.pdf").read_bytes()
    # once withdrawn, the same file may come in again (it is no longer in the list's use)
    ev.withdraw(session, admin, first, "扫描件不清晰")
    session.commit()
    again = add((PDFS / "pdflatex-4-pages.pdf").read_bytes(), "合同（重新上传）.pdf")
    assert again.sha256 == first.sha256 and count(session) == 3
