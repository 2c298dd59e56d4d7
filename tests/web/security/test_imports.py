"""Imports (issue 11 point 3): only importers upload, rows are capped, bad ids are 400,
uploaded ledgers expire."""

from __future__ import annotations

import importlib
import io
import os
import time
from pathlib import Path

from tests import factories as F
from tests.web.test_pages import login

plan_module = importlib.import_module("legalcase.services.importer.plan")
LEDGER = "客户名称,统一社会信用代码,发票号,金额,开票日期,到期日\n".encode()


def _csv(rows: int) -> bytes:
    lines = [f"苏州恒达{i},,INV-{i},1000.00,2026-01-01,2026-02-01\n".encode() for i in range(rows)]
    return LEDGER + b"".join(lines)


def _upload(client, data: bytes, creditor_id: str = ""):
    return client.post(
        "/imports",
        data={"file": (io.BytesIO(data), "ledger.csv"), "creditor_id": creditor_id},
        content_type="multipart/form-data",
    )


def _temp_files(web) -> list[Path]:
    """The uploaded ledgers kept (in storage, under imports/uploads/<token>: any server
    reads them) and any temporary copy left behind in UPLOAD_TMP."""
    from legalcase.services.importer.uploads import PREFIX

    store = web.extensions["legalcase_storage"]
    kept = [store.root / info.key for info in store.list_keys(PREFIX)]
    tmp = Path(web.config["UPLOAD_TMP"])
    return kept + (list(tmp.glob("upload-*")) if tmp.exists() else [])


def test_a_viewer_or_collector_cannot_start_an_import(web, client, session):
    viewer = F.user(session, "viewer")
    login(client, viewer)
    assert client.get("/imports").status_code == 403
    r = _upload(client, _csv(3))
    assert r.status_code == 403 and "只有法务或管理员可以导入台账" in r.data.decode()
    assert _temp_files(web) == []  # refused before the file was kept


def test_rows_are_capped_with_a_clear_message(web, client, session, monkeypatch):
    monkeypatch.setattr(plan_module, "MAX_ROWS", 5)
    login(client, F.user(session, "legal"))
    r = _upload(client, _csv(6))
    assert r.status_code == 422
    assert "超过单次导入上限 5 行" in r.data.decode()
    assert _temp_files(web) == []
    assert _upload(client, _csv(5)).status_code == 200


def test_a_bad_creditor_id_is_400_naming_the_field(web, client, session):
    login(client, F.user(session, "legal"))
    assert _upload(client, _csv(2)).status_code == 200
    (path,) = _temp_files(web)
    token = path.name  # imports/uploads/<token>
    for bad in ("abc", "99999999999999999999", "-1", "²"):
        r = client.post(f"/imports/{token}/preview", data={"creditor_id": bad})
        assert r.status_code == 400, bad
        assert "请选择债权主体" in r.data.decode()
    # the token was the upload's: with a real creditor the same ledger previews
    creditor = F.creditor(session)
    r = client.post(f"/imports/{token}/preview", data={"creditor_id": str(creditor.id)})
    assert r.status_code == 200


def test_an_uploaded_ledger_expires_after_an_hour(web, client, session):
    login(client, F.user(session, "legal"))
    creditor = F.creditor(session)
    assert _upload(client, _csv(2)).status_code == 200
    (path,) = _temp_files(web)
    token = path.name  # imports/uploads/<token>
    ok = client.post(f"/imports/{token}/preview", data={"creditor_id": str(creditor.id)})
    assert ok.status_code == 200
    old = time.time() - 3601
    os.utime(path, (old, old))
    r = client.post(f"/imports/{token}/preview", data={"creditor_id": str(creditor.id)})
    assert r.status_code == 404 and "已过期" in r.data.decode()
    assert not path.exists()
