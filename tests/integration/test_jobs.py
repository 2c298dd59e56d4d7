"""Background jobs in eager mode (issue 15): letters once per case, a zip, the API's 202."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from legalcase.db import db
from legalcase.jobs.runner import run
from legalcase.models import GeneratedDocument
from legalcase.models.jobs import Job, JobItem
from legalcase.services.auth import issue_token
from legalcase.services.clock import today
from tests import factories as F


def _overdue_cases(session, admin, n: int, days: int = 40) -> list[int]:
    ids = []
    for i in range(n):
        case = F.case(session, admin, title=f"批量{i}")
        due = today() - timedelta(days=days)
        F.receivable(session, admin, case, f"J-{i}", "1000", due - timedelta(days=30), due)
        ids.append(case.id)
    session.commit()
    return ids


@pytest.fixture
def api(app, session):
    admin = F.user(session, "admin")
    token = issue_token(session, admin)
    session.commit()
    client = app.test_client()

    def call(method, url, json=None):
        return client.open(
            f"/api/v1{url}", method=method, json=json, headers={"Authorization": f"Bearer {token}"}
        )

    call.admin = admin
    return call


def _letters(session) -> dict[int, int]:
    session.rollback()
    rows = session.execute(
        select(GeneratedDocument.case_id, func.count()).group_by(GeneratedDocument.case_id)
    )
    return dict(rows.all())


def test_api_batch_answers_202_with_a_job_that_generates_each_letter_and_a_zip(api, session, app):
    ids = _overdue_cases(session, api.admin, 3)
    r = api("POST", "/documents/batch", {"doc_type": "reminder_30", "case_ids": ids})
    assert r.status_code == 202
    job_id = r.get_json()["job_id"]
    job = api("GET", f"/jobs/{job_id}").get_json()
    assert job["status"] == "done" and job["done"] == job["total"] == 3
    assert job["result"]["generated"] == 3 and job["error"] is None
    assert _letters(session) == {i: 1 for i in ids}
    with app.test_request_context():
        storage = app.extensions["legalcase_storage"]
        archive = zipfile.ZipFile(io.BytesIO(storage.open(job["result"]["zip_key"]).read()))
    assert len([n for n in archive.namelist() if n.endswith(".docx")]) == 3


def test_api_batch_refuses_bad_input_and_unknown_cases_with_nothing_queued(api, session):
    ids = _overdue_cases(session, api.admin, 1)
    r = api("POST", "/documents/batch", {"doc_type": "reminder_30"})
    assert r.status_code == 400 and "case_ids" in r.get_json()["error"]["fields"]
    r = api("POST", "/documents/batch", {"doc_type": "reminder_30", "case_ids": [ids[0], 99999]})
    assert r.status_code == 400 and "99999" in r.get_json()["error"]["message"]
    r = api("POST", "/documents/batch", {"doc_type": "complaint", "tier": "31-60"})
    assert r.status_code == 400
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Job)) == 0
    assert api("GET", "/jobs/12345").status_code == 404


def test_a_job_run_again_after_its_worker_died_skips_the_letters_it_made(app, session):
    """The worker died after two letters: the second run makes only the third, and the
    zip has all three."""
    from legalcase.jobs import submit

    admin = F.user(session, "admin")
    ids = _overdue_cases(session, admin, 3)
    with app.app_context():
        uow = db.unit_of_work(write=True)
        uow.start()
        params = {"doc_type": "reminder_30", "case_ids": ids, "as_of": today().isoformat()}
        job = submit(uow.session, "letters.batch", params=params, created_by=admin)
        uow.session.info["legalcase_jobs_to_send"] = []  # not sent: we run it by hand
        uow.commit()
        uow.close()
        job_id = job.id

        from legalcase.jobs import letters

        real = letters.docs.batch_letter
        calls = []

        def dies_at_third(*args, **kw):
            if len(calls) == 2:
                raise KeyboardInterrupt("worker killed")
            calls.append(args[3])
            return real(*args, **kw)

        letters.docs.batch_letter = dies_at_third
        try:
            with pytest.raises(KeyboardInterrupt):
                run(app, job_id, "w1")
        finally:
            letters.docs.batch_letter = real
        assert _letters(session) == {ids[0]: 1, ids[1]: 1}
        # still "running" with a live heartbeat: another delivery does not take it
        assert run(app, job_id, "w2") == "not taken"
        with db.unit_of_work(write=True) as u:  # its heartbeat gets old
            j = u.session.get(Job, job_id)
            j.heartbeat_at -= timedelta(hours=1)
            u.commit()
        assert run(app, job_id, "w2") == "done"
    assert _letters(session) == {i: 1 for i in ids}
    job = session.get(Job, job_id)
    assert job.status == "done" and job.attempts == 2 and job.result["generated"] == 3
    assert session.scalar(select(func.count()).select_from(JobItem)) == 3


def test_a_refused_letter_is_skipped_with_its_reason_and_the_rest_go_out(api, session, monkeypatch):
    from legalcase.domain.errors import DomainError
    from legalcase.jobs import letters

    ids = _overdue_cases(session, api.admin, 2)
    real = letters.docs.batch_letter

    def refuses_first(session_, storage, actor, case_id, *args, **kw):
        if case_id == ids[0]:
            raise DomainError("missing", "缺少债务人地址")
        return real(session_, storage, actor, case_id, *args, **kw)

    monkeypatch.setattr(letters.docs, "batch_letter", refuses_first)
    r = api("POST", "/documents/batch", {"doc_type": "reminder_30", "case_ids": ids})
    job = api("GET", f"/jobs/{r.get_json()['job_id']}").get_json()
    assert job["status"] == "done" and job["result"]["generated"] == 1
    assert job["result"]["skipped"] == [{"case_id": ids[0], "problem": "缺少债务人地址"}]
    assert _letters(session) == {ids[1]: 1}


def test_jobs_page_lists_own_jobs_and_the_job_page_polls(app, session):
    from tests.web.test_pages import login

    admin = F.user(session, "admin")
    ids = _overdue_cases(session, admin, 1)
    client = app.test_client()
    login(client, admin)
    r = client.post("/documents/batch", data={"tier": "31-60", "doc_type": "reminder_30"})
    assert r.status_code == 303
    job_url = r.headers["Location"]
    html = client.get(job_url).get_data(as_text=True)
    assert "批量催款函" in html and "下载全部" in html and "已完成" in html
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done" and status["total"] == len(ids)
    listing = client.get("/jobs").get_data(as_text=True)
    assert job_url in listing
    other = F.user(session, "collector", username="other")
    session.commit()
    client2 = app.test_client()
    login(client2, other)
    assert client2.get(job_url).status_code == 404  # not theirs


_seen: set[str] = set()


def _upload(app, client, rows: list[list[str]]) -> str:
    """Upload a ledger; returns its token (the upload waits in storage)."""
    import csv
    from pathlib import Path

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["客户名称", "统一社会信用代码", "发票号", "开票日期", "到期日", "金额", "已收金额"])
    w.writerows(rows)
    data = buf.getvalue().encode()
    r = client.post(
        "/imports",
        data={"file": (io.BytesIO(data), "ledger.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    kept = {p.name for p in Path(app.extensions["legalcase_storage"].root).rglob("*")}
    (token,) = {n for n in kept if len(n) == 32} - _seen
    _seen.add(token)
    return token


def test_an_import_runs_as_a_job_all_or_nothing_and_says_what_it_did(app, session):
    from legalcase.domain.importer import guess_mapping
    from legalcase.models import Receivable
    from tests.web.test_pages import login

    legal = F.user(session, "legal")
    creditor = F.creditor(session)
    client = app.test_client()
    login(client, legal)
    headers = ["客户名称", "统一社会信用代码", "发票号", "开票日期", "到期日", "金额", "已收金额"]
    form = {"creditor_id": str(creditor.id)}
    form.update({f"map-{f}": col for f, col in guess_mapping(headers).items()})
    code = F.uscc(7)
    good = ["上海甲公司", code, "INV-1", "2026-01-05", "2026-03-05", "1000.00", ""]
    bad = ["上海甲公司", code, "INV-2", "2026-01-05", "not a date", "2000.00", ""]
    token = _upload(app, client, [good, bad])
    r = client.post(f"/imports/{token}/apply", data=form)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "失败" in page and "行有误，未导入" in page  # refused whole: nothing written
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Receivable)) == 0
    token = _upload(app, client, [good, bad])
    r = client.post(f"/imports/{token}/apply", data={**form, "skip_bad": "1"})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "导入完成：新增应收 1 笔" in page and "跳过错误行 1 行" in page
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Receivable)) == 1
    root = app.extensions["legalcase_storage"].root
    assert not [p for p in root.rglob("*") if p.is_file() and "imports" in p.parts]  # not kept


def test_a_bundle_job_builds_one_bundle_even_when_run_again(app, session):
    from legalcase.jobs import submit
    from legalcase.models import EvidenceBundle
    from legalcase.services import evidence as ev
    from tests.integration.test_evidence import PDFS

    admin = F.user(session, "admin")
    case = F.case(session, admin)
    storage = app.extensions["legalcase_storage"]
    with open(PDFS / "minimal-document.pdf", "rb") as fh:
        item = ev.add_evidence(
            session,
            storage,
            admin,
            case,
            fh,
            "c.pdf",
            {"kind": "contract"},
            tmp_dir=app.config["UPLOAD_TMP"],
            max_bytes=2**20,
        )
    session.commit()
    with app.test_request_context():
        with db.unit_of_work(write=True) as uow:
            params = {"case_id": case.id, "item_ids": [item.id], "title": "证据一"}
            job = submit(uow.session, "evidence.bundle", params=params, created_by=admin)
            uow.commit()  # eager: runs now
        with db.unit_of_work(write=True) as uow:  # delivered again (a worker died after it)
            uow.session.get(Job, job.id).status = "queued"
            uow.commit()
        assert run(app, job.id, "w2") == "done"
    session.rollback()
    done = session.get(Job, job.id)
    assert done.status == "done" and done.attempts == 2
    bundles = session.scalars(select(EvidenceBundle)).all()
    assert [b.id for b in bundles] == [done.result["bundle_id"]]


def test_a_user_limited_to_a_creditor_batches_only_its_cases_and_sees_the_job(app, session):
    from legalcase.services.scope import set_creditor_scope

    admin = F.user(session, "admin")
    mine, other = F.creditor(session), F.creditor(session)
    legal = F.user(session, "legal", username="scoped")
    set_creditor_scope(session, legal, [mine.id])
    due = today() - timedelta(days=40)
    cases = {}
    for cred in (mine, other):
        case = F.case(session, admin, cred=cred, title=f"限定{cred.id}")
        F.receivable(session, admin, case, f"S-{cred.id}", "1000", due - timedelta(days=30), due)
        cases[cred.id] = case.id
    token = issue_token(session, legal)
    session.commit()
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    body = {"doc_type": "reminder_30", "case_ids": [cases[mine.id], cases[other.id]]}
    r = client.post("/api/v1/documents/batch", json=body, headers=auth)
    assert r.status_code == 400 and str(cases[other.id]) in r.get_json()["error"]["message"]
    body = {"doc_type": "reminder_30", "tier": "31-60"}
    r = client.post("/api/v1/documents/batch", json=body, headers=auth)
    assert r.status_code == 202
    job = client.get(f"/api/v1/jobs/{r.get_json()['job_id']}", headers=auth).get_json()
    assert job["status"] == "done" and job["result"]["generated"] == 1
    assert _letters(session) == {cases[mine.id]: 1}


def test_a_batch_with_pdfs_puts_each_letter_as_word_and_pdf_in_the_zip(api, session, app):
    ids = _overdue_cases(session, api.admin, 1)
    body = {"doc_type": "reminder_30", "case_ids": ids, "pdf": True}
    r = api("POST", "/documents/batch", body)
    job = api("GET", f"/jobs/{r.get_json()['job_id']}").get_json()
    assert job["status"] == "done", job
    storage = app.extensions["legalcase_storage"]
    with storage.open(job["result"]["zip_key"]) as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["docx", "pdf"]


def test_a_finished_job_without_its_own_summary_says_what_it_did_in_words(app, session):
    """The job page names what a scheduled job did (期限、案件), never its result's keys."""
    from legalcase.jobs import submit
    from tests.web.test_pages import login

    admin = F.user(session, "admin")
    _overdue_cases(session, admin, 2)
    with app.app_context():
        uow = db.unit_of_work(write=True)
        uow.start()
        job = submit(uow.session, "deadlines.refresh", params={}, created_by=admin)
        uow.commit()  # eager in tests: it runs as the submission commits
        uow.close()
        job_id = job.id
    client = app.test_client()
    login(client, admin)
    html = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "已完成" in html
    assert "涉及案件：2" in html and "期限有变化的案件：" in html
    assert "changed" not in html and "cases：" not in html


def test_a_batch_that_finds_no_case_says_so(app, session):
    """A tier with no open case: the job page says there was nothing to send, and why."""
    from tests.web.test_pages import login

    admin = F.user(session, "admin")
    _overdue_cases(session, admin, 1, days=40)  # 31-60 days, not 1-30
    client = app.test_client()
    login(client, admin)
    r = client.post("/documents/batch", data={"tier": "1-30", "doc_type": "reminder_30"})
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "已生成 0 封" in html and "所选范围内没有需要发函的未结案件" in html
