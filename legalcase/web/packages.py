"""立案材料包 (issue 17 point 6): choose cases, get one zip per court.

Built by the background job ``filings.package`` when the job queue has it; otherwise in the
request, for at most ``IN_REQUEST_MAX`` cases (each case's complaint is converted to PDF by
LibreOffice, a few seconds a case).
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError, NotFound
from legalcase.models import FilingPackage
from legalcase.services import filing_packages as svc
from legalcase.services.clock import today

from .downloads import named
from .forms import only_form_errors

bp = Blueprint("packages", __name__)
JOB_KIND = "filings.package"
IN_REQUEST_MAX = 10


@bp.before_request
@login_required
def _require_login():
    return None


def _job_queue():
    """``submit`` when the job queue knows the package job, else None."""
    try:
        from legalcase.jobs import load_kinds, submit
    except ImportError:
        return None
    return submit if JOB_KIND in load_kinds() else None


def _page(errors: dict | None = None, message: str | None = None, chosen: set[int] | None = None):
    packages = svc.my_packages(db.session, current_user)
    return render_template(
        "packages.html",
        cases=svc.package_cases(db.session, current_user),
        packages=packages,
        case_names=svc.case_names(db.session, packages),
        chosen=chosen or set(),
        today=today(),
        errors=errors or {},
        message=message,
        queued=_job_queue() is not None,
        limit=svc.MAX_CASES if _job_queue() is not None else IN_REQUEST_MAX,
    ), (422 if errors or message else 200)


@bp.get("/packages")
def index():
    chosen = request.args.get("case_id", "")
    return _page(chosen={int(chosen)} if chosen.isdigit() else None)


@bp.post("/packages")
def create():
    ids = [int(v) for v in request.form.getlist("case_ids") if v.isdigit()]
    submit = _job_queue()
    try:
        if submit is None and len(set(ids)) > IN_REQUEST_MAX:
            raise DomainError(
                "too_many",
                f"后台任务未启用时，一次最多 {IN_REQUEST_MAX} 个案件",
                {"case_ids": f"最多 {IN_REQUEST_MAX} 个"},
            )
        as_of = date.fromisoformat(request.form.get("as_of") or today().isoformat())
        packages = svc.start_packages(db.session, current_user, ids, as_of)
        if submit is not None:
            submit(
                db.session,
                JOB_KIND,
                params={"package_ids": [p.id for p in packages]},
                created_by=current_user,
                total=sum(len(p.items) for p in packages),
            )
            flash(f"已提交后台任务：{len(packages)} 个法院的材料包，完成后可在下方下载", "success")
        else:
            for p in packages:
                svc.run_now(db.session, db.storage, current_user, p, current_app.config)
            flash(f"已生成 {len(packages)} 个法院的材料包", "success")
    except ValueError:
        return _page({"as_of": "日期无效"}, "日期无效", set(ids))
    except DomainError as exc:
        only_form_errors(exc)
        return _page(exc.fields, exc.message, set(ids))
    return redirect(url_for("packages.index"))


@bp.get("/packages/<int:package_id>/download")
def download(package_id: int):
    package = db.session.get(FilingPackage, package_id)
    if package is None or package.created_by_id != current_user.id or not package.storage_key:
        raise NotFound("材料包")
    with db.storage.open(package.storage_key) as fh:
        data = fh.read()
    name = package.filename or "filing-package.zip"
    return named(
        Response(data, mimetype="application/zip"),
        name,
        fallback=f"filing-package-{package.id}-{package.as_of:%Y%m%d}.zip",
    )
