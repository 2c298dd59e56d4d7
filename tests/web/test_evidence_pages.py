import io
import os
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from legalcase.cli import main
from legalcase.models import CaseDeadline, CustodyEvent, EvidenceItem
from legalcase.services import parties
from tests import factories as F
from tests.conftest import SHARED
from tests.web.test_pages import login

PDFS = SHARED / "fixtures" / "pdf"
MAIL = (
    b"From: legal@huadong.example.com\r\nTo: Finance <finance@hengda.example.cn>\r\nSubject: overdue invoice\r\n"
    b"Date: Tue, 10 Nov 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Please pay by 30 November.\r\n"
)


def upload(client, case_id, data: bytes, name: str, kind: str, **fields):
    return client.post(
        f"/cases/{case_id}/evidence",
        data={"kind": kind, "file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_upload_list_errors_and_custody(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    r = upload(
        client,
        case.id,
        (PDFS / "pdflatex-4-pages.pdf").read_bytes(),
        "合同.pdf",
        "contract",
        source="原告保存",
    )
    html = r.data.decode()
    assert "已上传：合同.pdf" in html and "4 页" in html and "原告保存" in html
    assert "built-in method" not in html
    r = upload(
        client,
        case.id,
        (PDFS / "libreoffice-writer-password.pdf").read_bytes(),
        "x.pdf",
        "contract",
    )
    assert r.status_code == 422 and "PDF 已加密" in r.data.decode()
    r = upload(client, case.id, b"data", "x.txt", "")
    assert r.status_code == 422 and 'data-field="kind"' in r.data.decode()
    item = session.scalar(select(EvidenceItem))
    r = client.get(f"/evidence/{item.id}/download")
    assert r.data == (PDFS / "pdflatex-4-pages.pdf").read_bytes()
    assert r.headers["X-Content-SHA256"] == item.sha256
    actions = session.scalars(select(CustodyEvent.action).order_by(CustodyEvent.id)).all()
    assert actions == ["upload", "download"]


def test_viewer_cannot_upload(client, session):
    admin = F.user(session)
    viewer = F.user(session, "viewer")
    case = F.case(session, admin)
    login(client, viewer)
    page = client.get(f"/cases/{case.id}/evidence").data.decode()
    assert "上传证据" not in page
    r = upload(client, case.id, b"hello", "a.txt", "other")
    assert r.status_code == 403 and "只读" in r.data.decode()


def test_tampered_evidence_shows_on_the_page(app, client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    upload(client, case.id, b"signed statement", "s.txt", "statement")
    item = session.scalar(select(EvidenceItem))
    path = app.extensions["legalcase_storage"].root / item.storage_key
    path.chmod(0o640)
    path.write_bytes(b"signed statement!")

    env = {
        "LEGALCASE_DATABASE_URL": app.config["DATABASE_URL"],
        "LEGALCASE_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "LEGALCASE_STORAGE_PATH": str(app.extensions["legalcase_storage"].root),
    }
    result = CliRunner().invoke(
        main, ["evidence", "verify", "--case", str(case.id)], env={**os.environ, **env}
    )
    assert result.exit_code == 1 and "内容已被改动" in result.output
    session.rollback()  # the CLI committed through its own connection: read anew
    html = client.get(f"/cases/{case.id}/evidence").data.decode()
    assert "校验失败" in html


def test_an_email_to_the_debtor_becomes_a_demand(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    F.receivable(session, admin, case)
    parties.add_contact(
        session,
        admin,
        case.debtor,
        {"name": "财务", "relation": "finance", "email": "finance@hengda.example.cn"},
    )
    login(client, admin)
    html = upload(client, case.id, MAIL, "mail.eml", "email").data.decode()
    assert "finance@hengda.example.cn" in html and "记为催告" in html
    item = session.scalar(select(EvidenceItem))
    r = client.post(f"/evidence/{item.id}/as-demand", follow_redirects=True)
    html = r.data.decode()
    assert "2026-11-10 送达的催告" in html and "有证据证明" in html
    lim = session.scalar(select(CaseDeadline).where(CaseDeadline.kind == "limitation"))
    assert lim.unadjusted_date.isoformat() == "2029-11-10"


def test_bundle_through_the_page(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    upload(client, case.id, (PDFS / "pdflatex-4-pages.pdf").read_bytes(), "a.pdf", "contract")
    upload(client, case.id, (PDFS / "minimal-document.pdf").read_bytes(), "b.pdf", "invoice")
    ids = [i.id for i in session.scalars(select(EvidenceItem).order_by(EvidenceItem.id))]
    r = client.post(
        f"/cases/{case.id}/bundles",
        data={f"order-{ids[1]}": "2", f"order-{ids[0]}": "1"},
        follow_redirects=True,
    )
    assert "证据册已生成：6 页" in r.data.decode()
    link = re.search(r'href="(/bundles/\d+/download)"', r.data.decode()).group(1)
    pdf = client.get(link)
    assert pdf.data.startswith(b"%PDF") and pdf.headers["Content-Type"] == "application/pdf"
    r = client.post(f"/cases/{case.id}/bundles", data={})
    assert r.status_code == 422 and "请至少选择一项证据" in r.data.decode()


def test_documents_page_generates_and_records_sending(client, session):
    from legalcase.models import GeneratedDocument, LedgerEntry

    admin = F.user(session)
    case = F.case(session, admin)
    F.receivable(session, admin, case)
    login(client, admin)
    r = client.post(
        f"/cases/{case.id}/documents",
        data={"doc_type": "lawyer_letter", "as_of": "2026-11-24", "pay_days": "15"},
    )
    assert r.status_code == 422 and "律师函暂不能生成，缺少" in r.data.decode()
    r = client.post(
        f"/cases/{case.id}/documents",
        data={"doc_type": "reminder_30", "as_of": "2026-11-24", "pay_days": "10"},
        follow_redirects=True,
    )
    # the creditor's own series (DOCUMENTS.md v2), not the law firm's 律函 numbers
    assert "已生成 催款函（逾期30天）：华东精密函〔2026〕第0001号" in r.data.decode()
    doc = session.scalar(select(GeneratedDocument))
    word = client.get(f"/documents/{doc.id}/docx")
    assert word.data[:2] == b"PK"
    r = client.post(
        f"/documents/{doc.id}/sent",
        data={
            "sent_at": "2026-11-20 10:00",
            "channel": "letter",
            "arrival_date": "2026-11-22",
            "proof": (io.BytesIO(b"signed receipt"), "receipt.txt"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "已登记发送" in r.data.decode()
    entry = session.scalar(select(LedgerEntry))
    assert entry.legal_effect == "demand" and str(entry.arrival_date) == "2026-11-22"


def _docx(*texts: str) -> bytes:
    from docx import Document

    doc = Document()
    for text in texts:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_template_versions_are_checked_previewed_and_kept(client, session):
    from docx import Document

    from legalcase.models import GeneratedDocument, TemplateVersion

    admin = F.user(session)
    login(client, admin)
    bad = _docx("致{{ debtor.name }}：请付款至{{ payee_account }}。{{ debtor.__class__ }}")
    r = client.post(
        "/settings/templates/reminder_30",
        data={"file": (io.BytesIO(bad), "x.docx")},
        content_type="multipart/form-data",
    )
    html = r.data.decode()
    assert r.status_code == 422 and "未知字段：payee_account" in html and "不允许访问属性" in html
    good = _docx(
        "新版催款函 {{ letter_number }}",
        "致{{ debtor.name }}：欠款{{ claim.principal }}元（{{ claim.principal_cn }}）",
    )
    r = client.post(
        "/settings/templates/reminder_30",
        data={"file": (io.BytesIO(good), "v1.docx"), "note": "更简洁"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "模板已更新为第 1 版" in r.data.decode()
    preview = client.get("/settings/templates/reminder_30/preview")
    text = "\n".join(p.text for p in Document(io.BytesIO(preview.data)).paragraphs)
    assert "新版催款函" in text and "示例债务人有限公司" in text and "{{" not in text
    old = client.get("/settings/templates/reminder_30/download?version=0")
    assert "催 款 函" in "\n".join(p.text for p in Document(io.BytesIO(old.data)).paragraphs)
    case = F.case(session, admin)
    F.receivable(session, admin, case)
    client.post(
        f"/cases/{case.id}/documents",
        data={"doc_type": "reminder_30", "as_of": "2026-11-24", "pay_days": "7"},
    )
    assert session.scalar(select(GeneratedDocument)).template_version == 1
    assert session.scalar(select(TemplateVersion)).note == "更简洁"


def test_batch_reminders_for_a_tier(client, session):
    import zipfile
    from datetime import timedelta

    from legalcase.models import GeneratedDocument
    from legalcase.services.clock import today

    admin = F.user(session)
    for n, days in enumerate([40, 45, 200]):
        case = F.case(session, admin, title=f"批量{n}")
        due = today() - timedelta(days=days)
        F.receivable(session, admin, case, f"B-{n}", "1000", due - timedelta(days=30), due)
    login(client, admin)
    r = client.post("/documents/batch", data={"tier": "31-60", "doc_type": "reminder_30"})
    assert r.status_code == 303  # a job: its page shows the progress and the result
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已生成 2 封" in html and "已完成" in html
    link = re.search(r'href="(/jobs/\d+/download)"', html).group(1)
    archive = zipfile.ZipFile(io.BytesIO(client.get(link).data))
    assert len(archive.namelist()) == 2
    assert session.scalar(select(func.count()).select_from(GeneratedDocument)) == 2


def _tamper(app, key: str, data: bytes) -> None:
    path = app.extensions["legalcase_storage"].root / key
    path.chmod(0o640)
    path.write_bytes(data)


def _failed_checks(session):
    session.rollback()  # committed in a transaction of its own
    return session.scalars(
        select(CustodyEvent).where(CustodyEvent.action == "verify").order_by(CustodyEvent.id)
    ).all()


def test_a_changed_small_file_is_refused_before_any_byte_and_logged(app, client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    upload(client, case.id, b"signed statement of account", "对账单.txt", "statement")
    item = session.scalar(select(EvidenceItem))
    ok = client.get(f"/evidence/{item.id}/download")
    assert ok.data == b"signed statement of account"
    assert "filename*=UTF-8''%E5%AF%B9%E8%B4%A6%E5%8D%95.txt" in ok.headers["Content-Disposition"]
    _tamper(app, item.storage_key, b"signed statement of account!")
    r = client.get(f"/evidence/{item.id}/download")
    assert r.status_code == 409 and b"signed statement" not in r.data
    assert "内容已被改动" in r.data.decode() and "下载已停止" in r.data.decode()
    (check,) = _failed_checks(session)
    assert check.evidence_id == item.id and check.user_id == admin.id
    assert check.detail["ok"] is False and check.detail["during"] == "download"
    assert check.detail["aborted"] is False
    actions = session.scalars(select(CustodyEvent.action).order_by(CustodyEvent.id)).all()
    assert actions == ["upload", "download", "verify"]  # the refused download is not logged
    session.refresh(item)
    assert item.is_last_verify_ok is False
    assert "校验失败" in client.get(f"/cases/{case.id}/evidence").data.decode()


def test_a_changed_large_file_is_cut_off_before_its_last_bytes(app, client, session, monkeypatch):
    from legalcase.web import downloads
    from storage import HashMismatch

    monkeypatch.setattr(downloads, "VERIFY_FIRST", 1)  # stream anything past the first chunk
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    data = b"call log line\n" * 200_000  # 2.8 MB: three chunks
    upload(client, case.id, data, "calls.txt", "other")
    item = session.scalar(select(EvidenceItem))
    whole = client.get(f"/evidence/{item.id}/download")
    assert whole.data == data
    _tamper(app, item.storage_key, data[:-2] + b"!\n")  # same size, one byte changed at the end
    r = client.get(f"/evidence/{item.id}/download")
    assert r.status_code == 200 and r.content_length == len(data)  # the response had begun
    got = b""
    with pytest.raises(HashMismatch):
        for chunk in r.response:
            got += chunk
    assert 0 < len(got) < len(data) and data.startswith(got)  # never the whole file
    (check,) = _failed_checks(session)
    assert check.evidence_id == item.id and check.detail["aborted"] is True
    assert "内容已被改动" in check.detail["problem"]


def test_a_missing_object_is_a_clear_refusal(app, client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    upload(client, case.id, b"delivery note", "d.txt", "delivery")
    item = session.scalar(select(EvidenceItem))
    (app.extensions["legalcase_storage"].root / item.storage_key).unlink()
    r = client.get(f"/evidence/{item.id}/download")
    assert r.status_code == 409 and "存储中找不到该文件" in r.data.decode()
    assert _failed_checks(session)[0].detail["ok"] is False


def test_a_changed_bundle_and_an_api_download_are_refused(app, client, session):
    from legalcase.models import EvidenceBundle
    from legalcase.services.auth import issue_token

    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    upload(client, case.id, (PDFS / "minimal-document.pdf").read_bytes(), "b.pdf", "invoice")
    item = session.scalar(select(EvidenceItem))
    client.post(f"/cases/{case.id}/bundles", data={f"order-{item.id}": "1"})
    bundle = session.scalar(select(EvidenceBundle))
    _tamper(app, bundle.storage_key, b"%PDF-1.4 not the bundle")
    r = client.get(f"/bundles/{bundle.id}/download")
    assert r.status_code == 409 and "内容已被改动" in r.data.decode()
    assert _failed_checks(session)[-1].bundle_id == bundle.id

    token = issue_token(session, admin)
    session.commit()
    _tamper(app, item.storage_key, b"%PDF-1.4 not the invoice")
    r = app.test_client().get(
        f"/api/v1/evidence/{item.id}/download", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 409 and r.json["error"]["code"] == "integrity_failed"
    assert "内容已被改动" in r.json["error"]["message"]
    assert _failed_checks(session)[-1].evidence_id == item.id


def test_an_oversized_upload_is_refused_and_leaves_no_temp_file(app, client, session):
    from pathlib import Path

    app.config["EVIDENCE_MAX_MB"] = 1
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    r = upload(client, case.id, b"x" * (3 * 2**19), "big.txt", "other")
    assert r.status_code == 413 and "文件超过上限 1 MB" in r.data.decode()
    assert session.scalar(select(func.count()).select_from(EvidenceItem)) == 0
    tmp = Path(app.config["UPLOAD_TMP"])
    assert not tmp.exists() or list(tmp.iterdir()) == []


def _wav(seconds: int) -> bytes:
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 8000 * seconds)
    return buf.getvalue()


def test_evidence_list_fields_on_upload_edit_and_api(app, client, session):
    from legalcase.models import AuditEntry
    from legalcase.services.auth import issue_token

    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    r = upload(
        client,
        case.id,
        _wav(65),
        "call.wav",
        "call_recording",
        title="催款录音",
        source="原告录制",
        purpose="证明被告承认欠款",
        transcript="被告：下月付。",
    )
    html = r.data.decode()
    assert "已上传：催款录音" in html and "时长 00:01:05" in html and "已录入文字整理" in html
    assert "电子数据（原始载体可供核对）" in html  # the default for a recording
    call = session.scalar(select(EvidenceItem))
    sha, key = call.sha256, call.storage_key
    r = upload(
        client,
        case.id,
        (PDFS / "minimal-document.pdf").read_bytes(),
        "c.pdf",
        "contract",
        original_or_copy="original",
    )
    pdf = session.scalars(select(EvidenceItem).order_by(EvidenceItem.id.desc())).first()
    assert pdf.original_or_copy == "original"

    # the edit form on the evidence page
    page = client.get(f"/cases/{case.id}/evidence").data.decode()
    assert f'action="/evidence/{call.id}/meta"' in page and 'name="transcript"' in page
    r = client.post(
        f"/evidence/{call.id}/meta",
        data={
            "title": "2026-11-12 催款录音",
            "source": "原告手机录制",
            "purpose": "证明被告承认欠款并承诺付款",
            "original_or_copy": "original",
            "document_date": "2026-11-12",
            "transcript": "原告：货款什么时候付？\n被告：下月初付清。",
        },
        follow_redirects=True,
    )
    html = r.data.decode()
    assert r.status_code == 200 and "文件与哈希不变" in html and "原告手机录制" in html
    session.rollback()
    call = session.get(EvidenceItem, call.id)
    assert call.transcript == "原告：货款什么时候付？\n被告：下月初付清。"
    assert (call.sha256, call.storage_key, call.original_or_copy) == (sha, key, "original")
    stored = app.extensions["legalcase_storage"].root / key
    assert stored.read_bytes() == _wav(65)
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "evidence_items",
            AuditEntry.entity_id == call.id,
            AuditEntry.action == "update",
        )
    ).all()
    assert len(audit) == 1 and audit[0].user_id == admin.id
    assert audit[0].before["source"] == "原告录制" and audit[0].after["source"] == "原告手机录制"
    assert "sha256" not in audit[0].after

    # a transcript on a PDF, and an empty name: refused next to the field, nothing changed
    r = client.post(f"/evidence/{pdf.id}/meta", data={"title": "合同", "transcript": "x"})
    assert r.status_code == 422
    assert f'data-field="meta-{pdf.id}-transcript"' in r.data.decode()
    r = client.post(f"/evidence/{pdf.id}/meta", data={"title": ""})
    assert r.status_code == 422 and "请填写证据名称" in r.data.decode()
    session.rollback()
    assert session.get(EvidenceItem, pdf.id).title == "c.pdf"

    # the API shows the list's fields
    token = issue_token(session, admin)
    items = client.get(
        f"/api/v1/cases/{case.id}/evidence", headers={"Authorization": f"Bearer {token}"}
    ).json["items"]
    out = {i["id"]: i for i in items}[call.id]
    assert out["original_or_copy"] == "original" and out["is_original"] is True
    assert out["duration_seconds"] == 65 and out["transcript"].startswith("原告：")
    assert out["source"] == "原告手机录制" and out["purpose"] == "证明被告承认欠款并承诺付款"


def test_a_viewer_cannot_edit_evidence_metadata(client, session):
    admin = F.user(session)
    viewer = F.user(session, "viewer")
    case = F.case(session, admin)
    login(client, admin)
    upload(client, case.id, b"signed", "s.txt", "statement", source="原告保存")
    item = session.scalar(select(EvidenceItem))
    client.post("/logout")
    login(client, viewer)
    assert f"/evidence/{item.id}/meta" not in client.get(f"/cases/{case.id}/evidence").data.decode()
    r = client.post(f"/evidence/{item.id}/meta", data={"title": "x", "source": "伪造"})
    assert r.status_code == 403
    session.rollback()
    assert session.get(EvidenceItem, item.id).source == "原告保存"


def test_choosing_items_for_a_bundle_is_explained_and_a_refusal_names_the_field(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    upload(client, case.id, (PDFS / "pdflatex-4-pages.pdf").read_bytes(), "a.pdf", "contract")
    item = session.scalar(select(EvidenceItem))
    page = client.get(f"/cases/{case.id}/evidence").data.decode()
    assert "册序（编入证据册的顺序）" in page and "在要编入的证据的“册序”栏填数字" in page
    assert "第1项" in page
    r = client.post(f"/cases/{case.id}/bundles", data={"title": "一审证据"})
    html = r.data.decode()
    assert r.status_code == 422
    assert "编入证据册的证据（册序）：请至少选择一项证据" in html and "items：" not in html
    # the address goes back to the page's own: reloading does not send the form again
    assert f'data-page-url="/cases/{case.id}/evidence"' in html and "page_address.js" in html
    r = client.post(f"/cases/{case.id}/bundles", data={f"order-{item.id}": "一"})
    html = r.data.decode()
    assert r.status_code == 422 and "编入证据册的证据（册序）：册序应为数字：一" in html
    assert f'name="order-{item.id}" value="一"' in html  # what was typed stays


def test_uploading_the_same_file_again_is_refused_with_a_link_to_the_first(client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    data = (PDFS / "pdflatex-4-pages.pdf").read_bytes()
    upload(client, case.id, data, "合同.pdf", "contract")
    upload(client, case.id, (PDFS / "minimal-document.pdf").read_bytes(), "b.pdf", "invoice")
    first = session.scalar(select(EvidenceItem).order_by(EvidenceItem.id))
    r = upload(client, case.id, data, "合同-再传.pdf", "other", title="合同扫描件")
    html = r.data.decode()
    assert r.status_code == 422
    assert "该文件与第1项证据“合同.pdf”内容相同（SHA-256 相同），未重复上传" in html
    assert f'href="#evidence-{first.id}" id="duplicate-link"' in html
    assert 'data-field="file">与第1项证据内容相同' in html
    assert 'value="合同扫描件"' in html  # the form keeps what was typed
    assert session.scalar(select(func.count()).select_from(EvidenceItem)) == 2
