"""Server-rendered screens: thin views that parse, call one service, render."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import Flask, render_template
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from legalcase.db import db
from legalcase.domain.aging import TIER_LABELS, Tier, tier_for
from legalcase.domain.case_deadlines import KIND_LABELS, STATUS_LABELS
from legalcase.domain.errors import DomainError
from legalcase.domain.money import format_money
from legalcase.domain.promises import PROMISE_LABELS
from legalcase.domain.roles import ROLE_LABELS, Role, can_uphold_dispute
from legalcase.domain.stages import STAGE_LABELS, Stage
from legalcase.models import User
from legalcase.services.clock import SHANGHAI
from legalcase.services.scope import apply_scope

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
csrf = CSRFProtect()
bootstrap = Bootstrap5()


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """``id:nonce`` (User.get_id): a session ended by logout, deactivation or a password
    change carries an old nonce and is refused."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active:
        return None
    if not secrets.compare_digest(user.session_nonce, nonce):
        return None
    apply_scope(db.session, user)  # from here on the request sees only the user's creditors
    return user


def _local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SHANGHAI).strftime(fmt)


def _label(table: dict, value) -> str:
    if value is None:
        return ""
    for key, text in table.items():
        if key == value or getattr(key, "value", None) == value:
            return text
    return str(value)


def init_web(app: Flask) -> None:
    from legalcase import schemas
    from legalcase.domain import values

    from . import audit
    from .limits import init_limits

    init_limits(app)  # first: the body limit is set before anything reads the body (CSRF)
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)

    app.jinja_env.filters["money"] = lambda v, cur="CNY": format_money(v, cur)
    app.jinja_env.filters["local"] = _local_time
    app.jinja_env.globals.update(
        label=_label,
        STAGE_LABELS=STAGE_LABELS,
        TIER_LABELS=TIER_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        PROMISE_LABELS=PROMISE_LABELS,
        Stage=Stage,
        Tier=Tier,
        Role=Role,
        S=schemas,
        V=values,
        tier_of=tier_for,
        KIND_LABELS=KIND_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        audit_entity=audit.entity_label,
        audit_changes=audit.changes,
        can_uphold_dispute=can_uphold_dispute,
    )

    from .allocation import bp as allocation_bp
    from .assets import bp as assets_bp
    from .auth import bp as auth_bp
    from .calculators import bp as calc_bp
    from .calendar import bp as calendar_bp
    from .cases import bp as cases_bp
    from .confirm import bp as confirm_bp
    from .disputes import bp as disputes_bp
    from .documents import bp as documents_bp
    from .evidence import bp as evidence_bp
    from .imports import bp as imports_bp
    from .jobs import bp as jobs_bp
    from .mediation import bp as mediation_bp
    from .model import bp as model_bp
    from .packages import bp as packages_bp
    from .parties import bp as parties_bp
    from .plans import bp as plans_bp
    from .reports import bp as reports_bp
    from .search import bp as search_bp
    from .settings_firm import bp as settings_firm_bp
    from .settings_lpr import bp as settings_lpr_bp
    from .settings_segments import bp as settings_segments_bp
    from .settings_users import bp as settings_users_bp
    from .targets import bp as targets_bp
    from .tasks import bp as tasks_bp
    from .visits import bp as visits_bp
    from .waivers import bp as waivers_bp
    from .worklist import bp as worklist_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(calc_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(imports_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(parties_bp)
    app.register_blueprint(tasks_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(settings_users_bp)
    app.register_blueprint(settings_firm_bp)
    app.register_blueprint(settings_lpr_bp)
    app.register_blueprint(allocation_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(waivers_bp)
    app.register_blueprint(mediation_bp)
    app.register_blueprint(assets_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(packages_bp)
    app.register_blueprint(worklist_bp)
    app.register_blueprint(model_bp)
    app.register_blueprint(settings_segments_bp)
    app.register_blueprint(targets_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(confirm_bp)
    app.register_blueprint(disputes_bp)

    from .security import init_security

    init_security(app)
    from .confirm import limit_links

    limit_links(app)  # after the limiter exists

    @app.errorhandler(DomainError)
    def _domain_error(exc: DomainError):
        from flask import g

        db.uow.rollback()
        g.refusal_message = exc.message  # a 403 goes to the security log with its reason
        return render_template("error.html", error=exc), exc.status

    from legalcase.db import DatabaseBusy

    @app.errorhandler(DatabaseBusy)
    def _busy(exc: DatabaseBusy):
        return render_template("error.html", error=DomainError("busy", str(exc))), 503

    @app.errorhandler(404)
    def _not_found(_exc):
        return render_template("error.html", error=DomainError("not_found", "页面不存在")), 404

    from .http_errors import init_http_errors

    init_http_errors(app)  # any other HTTP error (405 ...): the Chinese page, not werkzeug's
