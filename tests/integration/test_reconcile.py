"""Storage reconciliation (legalcase evidence verify): every stored object a row knows is
re-hashed, objects no row knows and leftover temporary files are reported with their key,
and orphans are removed only when that is safe."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from legalcase.cli import main
from legalcase.models import CustodyEvent, GeneratedDocument, TemplateVersion
from legalcase.models.base import utcnow
from legalcase.services import evidence as ev
from tests import factories as F
from tests.conftest import SHARED

PDF = SHARED / "fixtures" / "pdf" / "minimal-document.pdf"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(store, tmp_path, key: str, data: bytes) -> str:
    src = tmp_path / f"src-{_sha(key.encode())}"
    src.write_bytes(data)
    store.put_file(key, src)
    return key


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _evidence(session, store, admin, case, tmp_path, data: bytes, name: str):
    item = ev.add_evidence(
        session,
        store,
        admin,
        case,
        io.BytesIO(data),
        name,
        {"kind": "contract"},
        tmp_dir=tmp_path / "tmp",
        max_bytes=2**20,
    )
    session.commit()
    return item


def _document(session, store, tmp_path, admin, case, number: str, with_pdf: bool):
    """A generated letter as the documents service stores one (Word, and its PDF once made)."""
    docx, pdf = f"docx {number}".encode(), f"%PDF {number}".encode()
    key = _put(store, tmp_path, f"cases/{case.id}/documents/{_sha(docx)}", docx)
    doc = GeneratedDocument(
        case_id=case.id,
        doc_type="reminder_30",
        letter_number=number,
        as_of=date(2026, 11, 24),
        storage_key=key,
        sha256=_sha(docx),
        size=len(docx),
        created_by_id=admin.id,
        created_at=utcnow(),
    )
    if with_pdf:
        doc.pdf_key = _put(store, tmp_path, f"cases/{case.id}/documents/pdf-{_sha(pdf)}", pdf)
        doc.pdf_sha256 = _sha(pdf)
    session.add(doc)
    session.commit()
    return doc


def _template(session, store, tmp_path, admin, version: int):
    data = f"template v{version}".encode()
    row = TemplateVersion(
        doc_type="reminder_30",
        version=version,
        storage_key=_put(store, tmp_path, f"templates/reminder_30/{_sha(data)}", data),
        sha256=_sha(data),
        fields_used="",
        uploaded_by_id=admin.id,
        uploaded_at=utcnow(),
    )
    session.add(row)
    session.commit()
    return row


def _tamper(store, key: str, data: bytes = b"changed behind the app's back") -> None:
    path = store.root / key
    path.chmod(0o640)
    path.write_bytes(data)


@pytest.fixture
def world(app, session, tmp_path):
    """A case with evidence, a bundle, two letters (one with its PDF), two template versions,
    all stored in the app's own local storage."""
    store = app.extensions["legalcase_storage"]
    admin = F.user(session)
    case = F.case(session, admin)
    good = _evidence(session, store, admin, case, tmp_path, PDF.read_bytes(), "c.pdf")
    other = _evidence(session, store, admin, case, tmp_path, b"statement v1", "s.txt")
    bundle = ev.build_case_bundle(session, store, admin, case, [good.id], tmp_dir=tmp_path)
    session.commit()
    docs = [
        _document(session, store, tmp_path, admin, case, "明诚律函〔2026〕第0001号", True),
        _document(session, store, tmp_path, admin, case, "明诚律函〔2026〕第0002号", False),
    ]
    templates = [_template(session, store, tmp_path, admin, v) for v in (1, 2)]
    return {
        "store": store,
        "admin": admin,
        "case": case,
        "items": [good, other],
        "bundle": bundle,
        "docs": docs,
        "templates": templates,
    }


def _cli(app, *args):
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": app.config["DATABASE_URL"],
        "LEGALCASE_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "LEGALCASE_STORAGE_PATH": str(app.extensions["legalcase_storage"].root),
    }
    return CliRunner().invoke(main, ["evidence", "verify", *args], env=env)


def test_a_clean_store_passes(app, session, world):
    result = _cli(app)
    assert result.exit_code == 0, result.output
    assert "已校验 2 项证据、1 个证据册、3 个文书文件、2 个模板；问题 0 项" in result.output


def test_every_kind_of_stored_object_is_rehashed_and_each_problem_named_by_its_key(
    app, session, world, tmp_path
):
    store, case = world["store"], world["case"]
    item = world["items"][1]
    _tamper(store, item.storage_key)
    _tamper(store, world["bundle"].storage_key)
    letter, plain = world["docs"]
    _tamper(store, letter.pdf_key)
    (store.root / plain.storage_key).unlink()
    _tamper(store, world["templates"][0].storage_key)
    result = _cli(app)
    out = result.output
    assert result.exit_code == 1, out
    assert f"案件 {case.id} 证据 {item.id}「s.txt」：内容已被改动" in out
    assert f"对象 {item.storage_key}" in out
    assert f"案件 {case.id} 证据册 {world['bundle'].id}" in out
    assert f"对象 {world['bundle'].storage_key}" in out
    assert f"文书（PDF） {letter.id}（{letter.letter_number}）：内容已被改动" in out
    assert f"对象 {letter.pdf_key}" in out
    assert f"文书（Word） {plain.id}（{plain.letter_number}）：存储中找不到该文件" in out
    assert "模板 reminder_30 第 1 版：内容已被改动" in out
    assert f"对象 {world['templates'][0].storage_key}" in out
    assert "问题 5 项" in out
    session.rollback()  # the command committed on its own connection
    bundle_checks = session.scalars(
        select(CustodyEvent).where(
            CustodyEvent.bundle_id == world["bundle"].id, CustodyEvent.action == "verify"
        )
    ).all()
    assert [e.detail["ok"] for e in bundle_checks] == [False]


def test_orphans_and_leftover_temp_files_are_reported(app, session, world, tmp_path):
    store, case = world["store"], world["case"]
    orphan = _put(store, tmp_path, f"cases/{case.id}/{_sha(b'left by a killed worker')}", b"x")
    stray_tpl = _put(store, tmp_path, f"templates/complaint/{_sha(b'never recorded')}", b"y")
    _put(store, tmp_path, f"batches/{_sha(b'zip')}", b"zip")  # a batch's zip: no row by design
    tmp = app.config["UPLOAD_TMP"]
    os.makedirs(tmp, exist_ok=True)
    dead = os.path.join(tmp, f"upload-{_dead_pid()}-abcd")
    open(dead, "wb").write(b"half an upload")
    part = store.root / "cases" / str(case.id) / f".{'e' * 64}.{_dead_pid()}.part"
    part.write_bytes(b"half an object")
    result = _cli(app)
    out = result.output
    assert result.exit_code == 1
    assert f"孤立对象 {orphan}：无任何记录引用" in out and "不足一小时" in out
    assert f"孤立对象 {stray_tpl}" in out and "batches/" not in out
    assert f"临时文件 {dead}：进程" in out and "已不存在" in out
    assert f"存储临时文件 {part}" in out
    assert "问题 4 项" in out
    # limited to a case: only that case's objects, no templates or temp files
    result = _cli(app, "--case", str(case.id))
    assert result.exit_code == 1 and "问题 1 项" in result.output and orphan in result.output


def test_remove_orphans_removes_only_old_unknown_objects_of_a_case(app, session, world, tmp_path):
    from legalcase.services.uow import UnitOfWork

    store, case, admin = world["store"], world["case"], world["admin"]
    old = _put(store, tmp_path, f"cases/{case.id}/{_sha(b'old orphan')}", b"old orphan")
    outside = _put(store, tmp_path, f"templates/complaint/{_sha(b'tpl')}", b"tpl")
    no_case = _put(store, tmp_path, f"cases/99999/{_sha(b'nobody')}", b"nobody")
    two_hours_ago = (utcnow() - timedelta(hours=2)).timestamp()
    for key in (old, outside, no_case):
        os.utime(store.root / key, (two_hours_ago, two_hours_ago))
    young = _put(store, tmp_path, f"cases/{case.id}/{_sha(b'young')}", b"young")
    known = world["items"][0].storage_key
    os.utime(store.root / known, (two_hours_ago, two_hours_ago))

    sessions = app.extensions["legalcase_db"]["sessions"]
    with UnitOfWork(sessions, store, write=True) as uow:
        r = ev.reconcile(uow.session, uow.storage, actor_id=admin.id, remove_orphans=True)
        uow.commit()
    by_key = {o.info.key: o for o in r.orphans}
    assert set(by_key) == {old, outside, no_case, young}
    assert by_key[old].removed and not store.exists(old)
    assert not by_key[young].removed and "不足一小时" in by_key[young].kept_because
    assert not by_key[outside].removed and "只清理案件目录" in by_key[outside].kept_because
    assert not by_key[no_case].removed and "不存在" in by_key[no_case].kept_because
    assert store.exists(young) and store.exists(outside) and store.exists(known)
    session.rollback()
    (event,) = session.scalars(
        select(CustodyEvent).where(CustodyEvent.action == "orphan_removed")
    ).all()
    assert event.case_id == case.id and event.detail["key"] == old
    assert r.problem_count == 3  # the ones left are still reported


def test_orphans_on_s3_are_listed_and_removed_when_safe(session, minio_storage, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    item = _evidence(session, minio_storage, admin, case, tmp_path, b"kept evidence", "k.txt")
    orphan = _put(minio_storage, tmp_path, f"cases/{case.id}/{_sha(b'orphan')}", b"orphan")
    r = ev.reconcile(session, minio_storage, actor_id=admin.id)
    assert [o.info.key for o in r.orphans] == [orphan] and r.orphans[0].young
    assert r.evidence.checked == 1 and r.evidence.problems == []
    later = utcnow() + timedelta(hours=2)  # an hour on: no request can still be storing it
    r = ev.reconcile(session, minio_storage, actor_id=admin.id, remove_orphans=True, now=later)
    session.commit()
    assert [o.removed for o in r.orphans] == [True]
    assert not minio_storage.exists(orphan) and minio_storage.exists(item.storage_key)


def test_a_held_orphan_on_s3_is_reported_not_removed(session, minio_storage, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    orphan = _put(minio_storage, tmp_path, f"cases/{case.id}/{_sha(b'held')}", b"held")
    minio_storage.set_legal_hold(orphan, True)
    later = utcnow() + timedelta(hours=2)
    r = ev.reconcile(session, minio_storage, actor_id=admin.id, remove_orphans=True, now=later)
    session.commit()
    assert not r.orphans[0].removed and "无法删除" in r.orphans[0].kept_because
    assert minio_storage.exists(orphan) and r.problem_count == 1
