"""设置 → LPR: the one-year LPR table, the date it is checked through, and importing a file."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.domain.roles import Role, require_admin
from legalcase.services.lpr import lpr_table
from legalcase.services.lpr_update import update_lpr

from .forms import only_form_errors

bp = Blueprint("settings_lpr", __name__, url_prefix="/settings")

MAX_BYTES = 256 * 1024  # a table of rates is a few kilobytes


@bp.before_request
@login_required
def _admins_only():
    require_admin(Role(current_user.role))  # 403 for everyone else


def _page(message: str | None = None, status: int = 200):
    table = lpr_table(db.session)
    rows = sorted(zip(table.dates, table.rates, strict=True), reverse=True)
    return render_template(
        "settings_lpr.html", rows=rows, checked=table.checked_through, message=message
    ), status


@bp.get("/lpr")
def index():
    return _page()


@bp.post("/lpr")
def upload():
    f = request.files.get("file")
    if f is None or not f.filename:
        return _page("请选择 CSV 文件（首行 effective_date,one_year_percent）", 422)
    data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _page("文件过大：LPR 表不应超过 256 KB", 413)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _page("文件应为 UTF-8 编码的 CSV", 422)
    try:
        done = update_lpr(
            db.session, text, source=f"web {f.filename}"[:200], actor_id=current_user.id
        )
    except DomainError as exc:
        only_form_errors(exc)
        lines = "；".join(f"{k}：{v}" for k, v in exc.fields.items()) or exc.message
        return _page(f"未导入任何数据：{lines}", 422)
    checked = f"，LPR 表核对至 {done.checked_through}" if done.checked_through else ""
    flash(f"LPR：新增 {done.added} 条，更正 {done.changed} 条{checked}", "success")
    return redirect(url_for("settings_lpr.index"))
