"""The demo portfolio as a new user meets it: every page of the navigation, and a case's
pages, open for each role (a page that fails on real-looking data fails here first)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from legalcase.demo.load import load_demo
from legalcase.models import Case, User

PASSWORD = "demo-pass-2026-test"
PAGES = [
    "/",
    "/cases",
    "/deadlines",
    "/worklist",
    "/kpi",
    "/model",
    "/jobs",
    "/documents/batch",
    "/reports",
    "/packages",
    "/search?q=有限公司",
]
CASE_PAGES = [
    "",
    "?tab=money",
    "?tab=ledger",
    "?tab=deadlines",
    "?tab=audit",
    "/evidence",
    "/plans",
]


@pytest.mark.parametrize("username", ["admin", "legal", "zhangwei", "viewer"])
def test_every_page_opens_on_the_demo_for_each_role(client, session, username):
    load_demo(session, PASSWORD)
    session.commit()
    user = session.scalar(select(User).where(User.username == username))
    r = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert r.status_code == 302
    seen = {}
    for path in PAGES:
        seen[path] = client.get(path).status_code
    case_ids = session.scalars(select(Case.id).order_by(Case.id)).all()
    for case_id in case_ids[:3] + case_ids[-2:]:
        for tail in CASE_PAGES:
            seen[f"/cases/{case_id}{tail}"] = client.get(f"/cases/{case_id}{tail}").status_code
    assert not [p for p, status in seen.items() if status >= 500], seen
    assert seen["/"] == 200 and seen["/cases"] == 200 and seen["/deadlines"] == 200
