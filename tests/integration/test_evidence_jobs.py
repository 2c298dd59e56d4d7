"""Bundles and legal holds run on the job queue (issue 15): the evidence screen's button and a
stage change into litigation queue a job when their request commits; the job does the work.

"Queued" tests turn the test app's eager mode off (``JOBS_EAGER=0``): the message waits on
the SQLite queue in the instance folder, nobody takes it, and the test runs the job itself
with the worker's ``run`` - what a worker does after the request answered."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from legalcase.models import EvidenceBundle, EvidenceItem
from legalcase.models.jobs import Job
from legalcase.services import evidence as ev
from tests import factories as F
from tests.integration.test_evidence import PDFS
from tests.web.test_evidence_pages import upload
from tests.web.test_pages import login


@pytest.fixture
def queued(app):
    """Jobs wait on the queue instead of running in the request that submits them."""
    app.config["JOBS_EAGER"] = "0"
    return app


def _run(app, job_id: int) -> str:
    from legalcase.jobs.runner import run

    with app.app_context():
        return run(app, job_id, "test-worker")


def _two_pdfs(client, session, case) -> list[int]:
    upload(client, case.id, (PDFS / "pdflatex-4-pages.pdf").read_bytes(), "a.pdf", "contract")
    upload(client, case.id, (PDFS / "minimal-document.pdf").read_bytes(), "b.pdf", "invoice")
    return [i.id for i in session.scalars(select(EvidenceItem).order_by(EvidenceItem.id))]


def _count(session, model) -> int:
    session.rollback()
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_the_bundle_button_queues_a_job_and_the_page_shows_it_until_the_bundle_is_listed(
    queued, client, session
):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    a, b = _two_pdfs(client, session, case)
    r = client.post(f"/cases/{case.id}/bundles", data={f"order-{b}": "2", f"order-{a}": "1"})
    assert r.status_code == 302 and "bundle_job=" in r.location
    session.rollback()
    job = session.scalar(select(Job).where(Job.kind == "evidence.bundle"))
    assert job.status == "queued" and job.case_id == case.id and job.params["item_ids"] == [a, b]
    assert _count(session, EvidenceBundle) == 0  # the request built nothing

    html = client.get(r.location).data.decode()
    assert "证据册正在后台生成" in html and f"/jobs/{job.id}" in html and "尚未生成" in html
    assert "bundle_jobs.js" in html  # the page polls the job and reloads when it ends
    assert client.get(f"/jobs/{job.id}/status").get_json()["status"] == "queued"

    assert _run(queued, job.id) == "done"
    session.expire_all()  # the test client's requests share the test's session
    html = client.get(r.location).data.decode()
    assert "证据册已生成：6 页" in html and "证据册正在后台生成" not in html
    link = re.search(r'href="(/bundles/\d+/download)"', html).group(1)
    pdf = client.get(link)
    assert pdf.data.startswith(b"%PDF") and pdf.headers["Content-Type"] == "application/pdf"
    # coming back later: the bundle is listed as any other, no stale progress line
    html = client.get(f"/cases/{case.id}/evidence").data.decode()
    assert link in html and "证据册正在后台生成" not in html and "证据册已生成" not in html


def test_a_bundle_refused_in_the_request_queues_nothing_and_one_refused_later_says_why(
    queued, client, session
):
    admin = F.user(session)
    case, other = F.case(session, admin), F.case(session, admin, title="别案")
    login(client, admin)
    a, _ = _two_pdfs(client, session, case)
    r = client.post(f"/cases/{other.id}/bundles", data={f"order-{a}": "1"})
    assert r.status_code == 422 and "所选证据不属于本案" in r.data.decode()
    r = client.post(f"/cases/{case.id}/bundles", data={})
    assert r.status_code == 422 and "请至少选择一项证据" in r.data.decode()
    assert _count(session, Job) == 0

    r = client.post(f"/cases/{case.id}/bundles", data={f"order-{a}": "1"})
    job_id = int(r.location.rsplit("=", 1)[1])
    r2 = client.post(f"/evidence/{a}/withdraw", data={"reason": "原件有误"})
    assert r2.status_code == 302  # withdrawn while the bundle waited on the queue
    assert _run(queued, job_id) == "failed"
    session.expire_all()
    html = client.get(r.location).data.decode()
    assert "证据册未能生成：已替换或撤回的证据不能编入证据册" in html
    assert _count(session, EvidenceBundle) == 0


def test_another_user_does_not_see_someone_elses_bundle_job_on_the_case(queued, client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    a, _ = _two_pdfs(client, session, case)
    client.post(f"/cases/{case.id}/bundles", data={f"order-{a}": "1"})
    legal = F.user(session, "legal", username="colleague")
    session.commit()
    other = queued.test_client()
    login(other, legal)
    html = other.get(f"/cases/{case.id}/evidence").data.decode()
    assert "证据册正在后台生成" not in html


def _evidence(session, storage, admin, case, app) -> EvidenceItem:
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
    return item


def test_a_stage_change_into_litigation_queues_the_legal_hold_and_the_job_places_it(
    queued, client, session, minio_storage
):
    queued.extensions["legalcase_storage"] = minio_storage  # evidence on the loopback S3
    admin = F.user(session)
    case = F.case(session, admin)
    item = _evidence(session, minio_storage, admin, case, queued)
    login(client, admin)
    r = client.post(f"/cases/{case.id}/stage", data={"stage": "demand", "reason": "律师函无果"})
    assert r.status_code == 302
    assert _count(session, Job) == 0  # no hold before litigation
    r = client.post(f"/cases/{case.id}/stage", data={"stage": "litigation", "reason": "起诉"})
    assert r.status_code == 302
    session.rollback()
    job = session.scalar(select(Job).where(Job.kind == "evidence.legal_hold"))
    assert job.status == "queued" and job.case_id == case.id and job.created_by_id == admin.id
    assert not minio_storage.has_legal_hold(item.storage_key)  # the request placed none
    assert _run(queued, job.id) == "done"
    assert minio_storage.has_legal_hold(item.storage_key)
    session.rollback()
    assert session.get(Job, job.id).result["held"] == 1
    assert _run(queued, job.id) == "not taken"  # a finished job is not run again


def test_a_refused_stage_change_queues_no_hold(queued, client, session):
    admin = F.user(session)
    case = F.case(session, admin)
    login(client, admin)
    r = client.post(f"/cases/{case.id}/stage", data={"stage": "litigation", "reason": ""})
    assert r.status_code == 422
    assert _count(session, Job) == 0


def test_the_api_stage_change_runs_the_hold_job_on_local_storage(app, session):
    """Eager (as tests run jobs by default): the job ran when the request committed; local
    storage has no object lock, so it holds nothing and says so."""
    from legalcase.services.auth import issue_token

    admin = F.user(session, "admin")
    case = F.case(session, admin)
    _evidence(session, app.extensions["legalcase_storage"], admin, case, app)
    token = issue_token(session, admin)
    session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    c = app.test_client()
    for stage in ("demand", "litigation"):
        r = c.post(
            f"/api/v1/cases/{case.id}/stage", json={"stage": stage, "reason": "测试"}, headers=auth
        )
        assert r.status_code == 201, r.get_json()
    session.rollback()
    jobs = session.scalars(select(Job).where(Job.kind == "evidence.legal_hold")).all()
    assert [(j.status, j.result["held"]) for j in jobs] == [("done", 0)]
    assert jobs[0].result["summary"] == "已锁定 0 个证据文件"
