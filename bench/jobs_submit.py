"""How long the requests that start background jobs take to answer (issue 15: "the request
that starts it under 1 s"): three runs each, their median.

    python -m bench.jobs_submit [DATABASE_URL] [--cases 200] [--runs 3] [--queue URL]

- ``POST /api/v1/documents/batch`` with ``--cases`` case ids (answers 202 ``{job_id}``);
- the evidence page's 生成证据册 button (``POST /cases/{id}/bundles``, two PDFs; a redirect).

The app runs in this process (Flask's test client: the whole request, no HTTP socket) with a
queue nobody takes from (the embedded default's SQLite file unless ``--queue``), so each figure
is the request alone: checks, the job's row, its commit and the message sent. A given
DATABASE_URL is emptied (downgrade to base, upgrade); without one a fresh SQLite file is used.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from legalcase import create_app
from legalcase.db import db
from legalcase.migrate import downgrade, upgrade

PDFS = Path("/work/shared/fixtures/pdf")


def _seed(app, cases: int) -> tuple[list[int], str, int, list[int], str]:
    from legalcase.services import evidence as ev
    from legalcase.services.auth import issue_token
    from legalcase.services.clock import today
    from tests import factories as F

    with app.app_context():
        session = db.session
        admin = F.user(session, "admin")
        due = today() - timedelta(days=40)
        ids = []
        for i in range(cases):
            case = F.case(session, admin, title=f"基准{i}")
            F.receivable(session, admin, case, f"B-{i}", "1000", due - timedelta(days=30), due)
            ids.append(case.id)
        items = []
        for name, kind in (
            ("pdflatex-4-pages.pdf", "contract"),
            ("minimal-document.pdf", "invoice"),
        ):
            with open(PDFS / name, "rb") as fh:
                items.append(
                    ev.add_evidence(
                        session,
                        db.storage,
                        admin,
                        session.get(type(case), ids[0]),
                        fh,
                        name,
                        {"kind": kind},
                        tmp_dir=app.config["UPLOAD_TMP"],
                        max_bytes=2**22,
                    ).id
                )
        token = issue_token(session, admin)
        username = admin.username
        db.uow.commit()
    return ids, token, ids[0], items, username


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url", nargs="?")
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--queue", help="broker URL (default: the SQLite file of the embedded app)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lc-jobs-submit-"))
    url = args.url or f"sqlite:///{work / 'db.sqlite'}"
    if args.url:
        downgrade(url, "base")
    upgrade(url)
    config = {
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(work / "instance"),
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "JOBS_EAGER": "0",
        "QUEUE_URL": args.queue or f"sqla+sqlite:///{work / 'queue.db'}",
    }
    app = create_app(config)
    ids, token, case_id, items, username = _seed(app, args.cases)
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    web = app.test_client()
    from tests import factories as F

    r = web.post("/login", data={"username": username, "password": F.PASSWORD})
    assert r.status_code == 302, r.status_code

    def batch():
        body = {"doc_type": "reminder_30", "case_ids": ids}
        r = api.post("/api/v1/documents/batch", json=body, headers=auth)
        assert r.status_code == 202, r.get_json()

    def bundle():
        form = {f"order-{i}": str(n) for n, i in enumerate(items, 1)}
        r = web.post(f"/cases/{case_id}/bundles", data=form)
        assert r.status_code == 302 and "bundle_job=" in r.location, r.status_code

    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"database {url.split('://')[0]}, queue {config['QUEUE_URL'].split('://')[0]}")
    batch(), bundle()  # warm up: imports, templates, the queue's connection
    for name, call in (
        (f"POST /documents/batch ({args.cases} cases)", batch),
        ("生成证据册", bundle),
    ):
        runs = [_timed(call) * 1000 for _ in range(args.runs)]
        shown = " / ".join(f"{ms:.0f}" for ms in runs)
        print(f"{name}: median {statistics.median(runs):.0f} ms (runs {shown})", flush=True)
    app.extensions["legalcase_db"]["engine"].dispose()


if __name__ == "__main__":
    main()
