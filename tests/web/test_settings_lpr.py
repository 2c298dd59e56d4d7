"""设置 → LPR (issue 14 point 5): admins see the table and its checked-through date and import
a file (all or nothing, with the line that is wrong); others get 403."""

from __future__ import annotations

import io

from sqlalchemy import select

from legalcase.models import AuditEntry
from tests import factories as F
from tests.web.security import login, served_app

GOOD = b"# checked_through: 2026-11-20\neffective_date,one_year_percent\n2025-05-20,3.00\n2026-06-22,2.95\n"
BAD = b"effective_date,one_year_percent\n2026-06-22,2.95\n2026-13-01,2.90\n"


def _post(client, data: bytes):
    return client.post(
        "/settings/lpr",
        data={"file": (io.BytesIO(data), "lpr.csv")},
        content_type="multipart/form-data",
    )


def test_an_admin_imports_the_lpr_table_and_others_may_not(session, database_url, tmp_path):
    admin = F.user(session, "admin")
    legal = F.user(session, "legal")
    app = served_app(database_url, tmp_path / "served")
    client = app.test_client()
    login(client, legal)
    assert client.get("/settings/lpr").status_code == 403
    assert _post(client, GOOD).status_code == 403
    client.post("/logout")
    login(client, admin)
    page = client.get("/settings/lpr").get_data(as_text=True)
    assert "核对至：<strong>2025-05-20</strong>" in page and "2019-08-20" in page
    r = _post(client, BAD)
    assert r.status_code == 422 and "line 3" in r.get_data(as_text=True)
    assert "2026-06-22" not in client.get("/settings/lpr").get_data(as_text=True)  # nothing
    assert _post(client, GOOD).status_code == 302
    page = client.get("/settings/lpr").get_data(as_text=True)
    assert "核对至：<strong>2026-11-20</strong>" in page and "2026-06-22" in page
    assert "新增 1 条" in page
    session.rollback()
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "lpr_rates")).all()
    app.extensions["legalcase_db"]["engine"].dispose()
