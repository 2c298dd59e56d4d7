from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.services import auth

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = auth.authenticate(
                db.session, request.form.get("username", ""), request.form.get("password", "")
            )
        except DomainError as exc:
            error = exc.message
        else:
            login_user(user)
            target = request.args.get("next") or ""
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("cases.dashboard")
            return redirect(target)
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))


@bp.route("/settings/alerts", methods=["GET", "POST"])
@login_required
def alert_settings():
    """Which deadline alerts the signed-in user gets by e-mail."""
    from flask_login import current_user

    from legalcase.domain.alerts import parse_thresholds
    from legalcase.domain.errors import DomainError
    from legalcase.services.auth import update_alert_settings

    error = None
    if request.method == "POST":
        chosen = request.form.getlist("thresholds")
        days, overdue = parse_thresholds(",".join(chosen))
        email = (request.form.get("email") or "").strip()
        try:
            update_alert_settings(
                db.session,
                current_user,
                email,
                bool(request.form.get("enabled")),
                ",".join([*map(str, days), *(["overdue"] if overdue else [])]),
            )
        except DomainError as exc:
            error = exc.fields.get("email", exc.message)
        else:
            flash("提醒设置已保存", "success")
            return redirect(url_for("auth.alert_settings"))
    days, overdue = parse_thresholds(current_user.alert_thresholds)
    return render_template(
        "alert_settings.html", days=days, overdue=overdue, error=error
    ), 422 if error else 200
