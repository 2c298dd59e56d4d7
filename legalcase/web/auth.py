"""Signing in and out, the user's own account (password, API tokens), the security log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.services import auth, scope, security

from .forms import only_form_errors
from .security import log_security_event, safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Failed attempts are throttled per account and per address (see web.security)."""
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        try:
            user = auth.authenticate(db.session, username, request.form.get("password", ""))
        except DomainError as exc:
            error = exc.message
            log_security_event("login_failed", username=username)
        else:
            session.clear()  # nothing from before the login is carried into the session
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("cases.dashboard"))
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends every session of the user: a copy of the cookie no longer works."""
    auth.end_sessions(db.session, current_user)
    logout_user()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))


def _account_page(errors: dict | None = None, message: str | None = None):
    return render_template(
        "account.html",
        tokens=auth.user_tokens(db.session, current_user),
        status=auth.token_status,
        STATUS=auth.TOKEN_STATUS_LABELS,
        scope_label=scope.scope_label(current_user),
        errors=errors or {},
        message=message,
    ), (422 if message else 200)


@bp.get("/settings/account")
@login_required
def account():
    """设置 → 我的账号: change the password, see and revoke one's API tokens."""
    return _account_page()


@bp.post("/settings/account/password")
@login_required
def change_password():
    form = request.form
    try:
        if form.get("new_password") != form.get("confirm_password"):
            raise DomainError(
                "mismatch", "两次输入的新密码不一致", {"confirm_password": "两次输入不一致"}
            )
        user = auth.change_password(
            db.session, current_user, form.get("current_password", ""), form.get("new_password")
        )
    except DomainError as exc:
        only_form_errors(exc)
        fields = dict(exc.fields)
        if "password" in fields:
            fields["new_password"] = fields.pop("password")
        return _account_page(fields, exc.message)
    login_user(user)  # this session goes on under the new nonce; all others have ended
    flash("密码已修改，其他设备上的登录已失效", "success")
    return redirect(url_for("auth.account"))


@bp.post("/settings/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    auth.revoke_tokens(db.session, current_user, token_id=token_id, actor_id=current_user.id)
    flash("令牌已撤销", "success")
    return redirect(url_for("auth.account"))


@bp.get("/settings/security")
@login_required
def security_log():
    """设置 → 安全日志 (administrators only)."""
    events = security.recent_events(db.session, current_user)
    return render_template("security_log.html", events=events, KINDS=security.KIND_LABELS)


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
