"""设置 → 用户管理 (administrators only): users, roles, creditor scope, API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import DomainError, ValidationFailed
from legalcase.domain.roles import Role, require_admin
from legalcase.models import ApiToken, Creditor, User
from legalcase.models.base import utcnow
from legalcase.services import auth, scope

from .forms import only_form_errors, readable_message

bp = Blueprint("settings_users", __name__, url_prefix="/settings/users")


@bp.before_request
@login_required
def _admins_only():
    require_admin(Role(current_user.role))  # 403 for everyone else


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _list_page(errors: dict | None = None, message: str | None = None, values: dict | None = None):
    users = list(db.session.scalars(select(User).order_by(User.is_active.desc(), User.username)))
    tokens = dict(
        db.session.execute(
            select(ApiToken.user_id, func.count())
            .where(ApiToken.is_revoked.is_(False), ApiToken.expires_at > utcnow())
            .group_by(ApiToken.user_id)
        ).all()
    )
    return render_template(
        "settings_users.html",
        users=users,
        tokens=tokens,
        scope_label=scope.scope_label,
        errors=errors or {},
        message=message,
        values=values or {"role": "collector"},
    ), (422 if message else 200)


@bp.get("")
def index():
    return _list_page()


@bp.post("")
def create():
    form = request.form.to_dict()
    form.pop("csrf_token", None)
    try:
        data = S.parse(S.UserSchema(), form)
        user = auth.create_user(
            db.session,
            data["username"],
            data["password"],
            data["role"],
            data.get("display_name"),
            data.get("email"),
            actor_id=current_user.id,
        )
    except DomainError as exc:
        only_form_errors(exc)
        form.pop("password", None)
        return _list_page(exc.fields, readable_message(exc, S.UserSchema()), form)
    flash(f"已创建用户 {user.username}（初始密码请当面告知，首次登录后请其修改）", "success")
    return redirect(url_for("settings_users.show", user_id=user.id))


def _user_page(user: User, errors=None, message=None, new_token=None, status=200):
    creditors = list(db.session.scalars(select(Creditor).order_by(Creditor.name)))
    return render_template(
        "settings_user.html",
        user=user,
        creditors=creditors,
        scoped={c.id for c in user.scoped_creditors},
        tokens=auth.user_tokens(db.session, user),
        status=auth.token_status,
        STATUS=auth.TOKEN_STATUS_LABELS,
        scope_label=scope.scope_label(user),
        errors=errors or {},
        message=message,
        new_token=new_token,
    ), status


@bp.get("/<int:user_id>")
def show(user_id: int):
    return _user_page(_user(user_id))


def _refused(user: User, exc: DomainError):
    only_form_errors(exc)
    return _user_page(_user(user.id), exc.fields, exc.message, status=422)


@bp.post("/<int:user_id>/role")
def set_role(user_id: int):
    user = _user(user_id)
    try:
        auth.set_role(db.session, user, request.form.get("role", ""), actor_id=current_user.id)
    except DomainError as exc:
        return _refused(user, exc)
    flash(f"{user.username} 的角色已改为{S.ROLES.get(user.role, user.role)}", "success")
    return redirect(url_for("settings_users.show", user_id=user.id))


@bp.post("/<int:user_id>/active")
def set_active(user_id: int):
    user = _user(user_id)
    active = request.form.get("active") == "1"
    try:
        if not active and user.id == current_user.id:
            raise ValidationFailed({"active": "不能停用自己的账号"})
        revoked = auth.set_active(db.session, user, active, actor_id=current_user.id)
    except DomainError as exc:
        return _refused(user, exc)
    if active:
        flash(f"{user.username} 已启用", "success")
    else:
        flash(f"{user.username} 已停用：登录已失效，撤销令牌 {revoked} 个", "success")
    return redirect(url_for("settings_users.show", user_id=user.id))


@bp.post("/<int:user_id>/password")
def reset_password(user_id: int):
    user = _user(user_id)
    form = request.form
    try:
        if form.get("new_password") != form.get("confirm_password"):
            raise ValidationFailed({"confirm_password": "两次输入不一致"}, "两次输入的新密码不一致")
        auth.set_password(db.session, user, form.get("new_password", ""), actor_id=current_user.id)
    except DomainError as exc:
        only_form_errors(exc)
        fields = dict(exc.fields)
        if "password" in fields:
            fields["new_password"] = fields.pop("password")
        return _user_page(_user(user.id), fields, exc.message, status=422)
    flash(f"{user.username} 的密码已重置，其所有登录已失效", "success")
    return redirect(url_for("settings_users.show", user_id=user.id))


@bp.post("/<int:user_id>/scope")
def set_scope(user_id: int):
    user = _user(user_id)
    try:
        ids = [int(i) for i in request.form.getlist("creditor_ids") if i.isdigit()]
        scope.set_creditor_scope(db.session, user, ids, actor=current_user)
    except DomainError as exc:
        return _refused(user, exc)
    flash(f"{user.username} 可见的债权主体：{scope.scope_label(user)}", "success")
    return redirect(url_for("settings_users.show", user_id=user.id))


@bp.post("/<int:user_id>/tokens")
def issue_token(user_id: int):
    """The plain token is shown on this page once; it is never stored."""
    user = _user(user_id)
    name = (request.form.get("name") or "").strip() or "api"
    try:
        days = int(request.form.get("days") or auth.DEFAULT_TOKEN_DAYS)
    except ValueError:
        days = 0
    try:
        if not user.is_active:
            raise ValidationFailed({"name": "用户已停用，不能签发令牌"})
        if len(name) > 100:
            raise ValidationFailed({"name": "名称不超过 100 字"})
        token = auth.issue_token(db.session, user, name, days, actor_id=current_user.id)
    except DomainError as exc:
        return _refused(user, exc)
    return _user_page(user, new_token=token)


@bp.post("/<int:user_id>/tokens/<int:token_id>/revoke")
def revoke_token(user_id: int, token_id: int):
    user = _user(user_id)
    try:
        auth.revoke_tokens(db.session, user, token_id=token_id, actor_id=current_user.id)
    except DomainError as exc:
        return _refused(user, exc)
    flash("令牌已撤销", "success")
    return redirect(url_for("settings_users.show", user_id=user.id))
