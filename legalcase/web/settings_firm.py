"""设置 → 律所信息 and 催收阶梯 (administrators only)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, require_admin
from legalcase.schemas.settings import FirmSchema
from legalcase.services import settings as settings_svc

from .forms import only_form_errors, readable_message

bp = Blueprint("settings_firm", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def _admins_only():
    require_admin(Role(current_user.role))  # 403 for everyone else


# ---- 律所信息 -------------------------------------------------------------------------


def _firm_page(errors=None, message=None, values=None):
    row = settings_svc.firm_row(db.session)
    config = current_app.config
    stored = {n: (getattr(row, n) if row is not None else None) or "" for n in FirmSchema().fields}
    return render_template(
        "settings_firm.html",
        schema=FirmSchema(),
        values=values if values is not None else stored,
        fallback={n: config.get(f"FIRM_{n.upper()}", "") for n in FirmSchema().fields},
        effective=settings_svc.firm_profile(db.session, config),
        row=row,
        config_seal=bool(config.get("FIRM_SEAL_IMAGE")),
        seal_max_mb=settings_svc.SEAL_MAX_BYTES // 2**20,
        errors=errors or {},
        message=message,
    ), (422 if message else 200)


@bp.get("/firm")
def firm():
    return _firm_page()


@bp.post("/firm")
def save_firm():
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        data = S.parse(FirmSchema(), form, partial=True)
        settings_svc.update_firm_profile(db.session, current_user, data)
    except DomainError as exc:
        only_form_errors(exc)
        return _firm_page(exc.fields, readable_message(exc, FirmSchema()), form)
    flash("律所信息已保存（留空的项目使用系统配置）", "success")
    return redirect(url_for("settings_firm.firm"))


@bp.post("/firm/seal")
def upload_seal():
    upload = request.files.get("seal")
    try:
        data = b""
        if upload is not None and upload.filename:
            data = upload.stream.read(settings_svc.SEAL_MAX_BYTES + 1)
        settings_svc.store_seal(
            db.session, db.storage, current_user, data, current_app.config["UPLOAD_TMP"]
        )
    except DomainError as exc:
        only_form_errors(exc)
        return _firm_page(exc.fields, exc.message)
    flash("律所印章已更新", "success")
    return redirect(url_for("settings_firm.firm"))


@bp.post("/firm/seal/remove")
def remove_seal():
    settings_svc.remove_seal(db.session, current_user)
    flash("已停用上传的印章", "success")
    return redirect(url_for("settings_firm.firm"))


@bp.get("/firm/seal")
def seal_image():
    stored = settings_svc.seal_bytes(db.session, db.storage)
    if stored is None:
        abort(404)
    data, content_type = stored
    return Response(data, mimetype=content_type, headers={"Cache-Control": "no-store"})


# ---- 催收阶梯 -------------------------------------------------------------------------

BLANK_ROWS = 2


def _ladder_rows() -> list[dict]:
    return [
        {"days": d, "title": t, "assignee": who, "due_in_days": due}
        for d, _key, t, who, due in settings_svc.ladder_rungs(
            db.session, current_app.config["LADDER_DAYS"]
        )
    ]


def _ladder_page(rows=None, errors=None, message=None):
    rows = list(rows if rows is not None else _ladder_rows())
    rows += [{} for _ in range(BLANK_ROWS)]
    return render_template(
        "settings_ladder.html",
        rows=rows,
        stored=bool(settings_svc.stored_rungs(db.session)),
        config_days=current_app.config["LADDER_DAYS"],
        ASSIGNEES=settings_svc.ASSIGNEES,
        errors=errors or {},
        message=message,
    ), (422 if message else 200)


@bp.get("/ladder")
def ladder():
    return _ladder_page()


@bp.post("/ladder")
def save_ladder():
    form = request.form
    columns = ("days", "title", "assignee", "due_in_days")
    lists = {c: form.getlist(c) for c in columns}
    count = max(len(v) for v in lists.values())
    rows = []
    for i in range(count):
        row = {c: (lists[c][i] if i < len(lists[c]) else "").strip() for c in columns}
        if row["days"] or row["title"]:  # a row left blank is no rung
            rows.append(row)
    try:
        settings_svc.save_rungs(db.session, current_user, rows)
    except DomainError as exc:
        only_form_errors(exc)
        return _ladder_page(rows, exc.fields, _ladder_message(exc))
    flash("催收阶梯已保存，下次运行起按新阶梯生成任务", "success")
    return redirect(url_for("settings_firm.ladder"))


def _ladder_message(exc: DomainError) -> str:
    names = {
        "days": "逾期天数",
        "title": "任务标题",
        "assignee": "负责人",
        "due_in_days": "完成期限",
    }
    parts = []
    for key, msg in exc.fields.items():
        bits = key.split(".")
        if len(bits) == 3:
            parts.append(f"第{int(bits[1]) + 1}级 {names.get(bits[2], bits[2])}：{msg}")
        else:
            parts.append(msg)
    return "输入有误：" + "；".join(parts)


@bp.post("/ladder/reset")
def reset_ladder():
    settings_svc.reset_rungs(db.session, current_user)
    flash("已恢复为系统配置的催收阶梯", "success")
    return redirect(url_for("settings_firm.ladder"))
