"""The job page in Chromium (issue 15): it polls while the job runs and shows the result
when it ends, without a reload by hand; the jobs pages fit 390 px and 1366 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from legalcase.db import db
from legalcase.models.jobs import Job
from legalcase.services import jobs as job_svc
from tests import factories as F
from tests.web.test_browser import _login, live_url, page  # noqa: F401 - fixtures
from tests.web.test_phone_layout import SIDEWAYS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_job_page_follows_the_job_until_it_ends(
    live_url,  # noqa: F811
    page,  # noqa: F811
    session,
    app,
    width,
    height,
):
    admin = F.user(session, "admin", username="jobs", name="管理员")
    with app.app_context():  # a job no worker has taken yet
        with db.unit_of_work(write=True) as uow:
            job = job_svc.create(uow.session, "temp.cleanup", created_by=admin, total=4)
            uow.commit()
    page.set_viewport_size({"width": width, "height": height})
    _login(page, live_url, "jobs")
    page.goto(f"{live_url}/jobs/{job.id}")
    expect(page.locator("#job-status")).to_have_text("排队中")
    with app.app_context():  # a worker takes it and gets halfway
        with db.unit_of_work(write=True) as uow:
            assert job_svc.start(uow.session, job.id, "w", job_svc_stale())
            job_svc.progress(uow.session, job.id, 2)
            uow.commit()
    expect(page.locator("#job-count")).to_have_text("2 / 4")
    expect(page.locator("#job-status")).to_have_text("进行中")
    assert page.evaluate("document.getElementById('job-bar').style.width") == "50%"
    assert page.evaluate(SIDEWAYS) == []
    with app.app_context():
        with db.unit_of_work(write=True) as uow:
            job_svc.finish(uow.session, job.id, {"summary": "已清理 3 个临时文件"})
            uow.commit()
    expect(page.locator("#job-summary")).to_have_text("已清理 3 个临时文件")  # reloaded
    expect(page.locator("#job-status")).to_have_text("已完成")
    page.goto(f"{live_url}/jobs")
    expect(page.locator("#job-list")).to_contain_text("清理临时文件")
    assert page.evaluate(SIDEWAYS) == []
    session.rollback()
    assert session.get(Job, job.id).status == "done"


def job_svc_stale():
    from datetime import timedelta

    return timedelta(seconds=120)
