"""Security of the served app: headers (CSP and others, Flask-Talisman), login throttling
(Flask-Limiter), safe redirects after login, and the security log of refusals."""

from __future__ import annotations

import math
import time
from urllib.parse import urlsplit

from flask import Flask, g, render_template, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from legalcase.db import db
from legalcase.services import security

# No inline script or style anywhere: every script and stylesheet is a file the app serves.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # Bootstrap's form controls draw with data: SVGs
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: no scheme, no host, no
    backslash, no control character (a browser drops a tab: /%09/evil.example is
    //evil.example), not starting with // or /\\."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def log_security_event(kind: str, **fields) -> None:
    """Write one security event in a unit of work of its own, committed now: the request
    that caused it is refused and saves nothing. The request's own transaction is rolled
    back first (on SQLite it may hold the write lock)."""
    request_uow = g.get("uow")
    if request_uow is not None and request_uow.session is not None:
        request_uow.rollback()
    fields.setdefault("address", request.remote_addr)
    try:
        with db.unit_of_work(write=True) as uow:
            if kind == "login_failed":
                security.record_failed_login(uow.session, fields.pop("username"), **fields)
            else:
                security.record_event(uow.session, kind, **fields)
            uow.commit()
    except Exception:  # the log must never turn a refusal into a server error
        from flask import current_app

        current_app.logger.exception("could not write the security event %s", kind)


def _account_key() -> str:
    return "account:" + request.form.get("username", "").strip().lower()


def _address_key() -> str:
    return "address:" + (request.remote_addr or "unknown")


def _failed(response) -> bool:
    return response.status_code == 401


def _retry_after(limiter: Limiter) -> int:
    breached = [lim for lim in limiter.current_limits if lim.breached] or [limiter.current_limit]
    reset_at = max((lim.reset_at for lim in breached if lim is not None), default=time.time())
    return max(1, math.ceil(reset_at - time.time()))


def _refused_user() -> tuple[int | None, str | None]:
    user = g.get("api_user")
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    return (user.id, user.username) if user is not None else (None, None)


def init_security(app: Flask) -> None:
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    https = bool(app.config.get("HTTPS"))
    Talisman(
        app,
        force_https=False,  # TLS ends at the proxy; LEGALCASE_HTTPS says it is there
        strict_transport_security=https,
        session_cookie_secure=https,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        x_content_type_options=True,
    )

    limiter = Limiter(
        key_func=_address_key,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        strategy="moving-window",
        key_prefix=app.config.get("RATELIMIT_KEY_PREFIX", "legalcase"),
    )
    app.extensions["legalcase_limiter"] = limiter
    # Only failed logins count; once over a limit every login is refused, the right
    # password too, until the window has room again. (The limiter of this app wraps the
    # view: each app has its own limiter and storage.)
    view = app.view_functions["auth.login"]
    for limit, key in (
        (app.config["LOGIN_LIMIT_ACCOUNT"], _account_key),
        (app.config["LOGIN_LIMIT_ADDRESS"], _address_key),
    ):
        view = limiter.limit(limit, key_func=key, methods=["POST"], deduct_when=_failed)(view)
    app.view_functions["auth.login"] = view

    @app.errorhandler(RateLimitExceeded)
    def _throttled(_exc: RateLimitExceeded):
        wait = _retry_after(limiter)
        message = f"登录失败次数过多，请 {wait} 秒后再试"
        return (
            render_template("login.html", error=message),
            429,
            {"Retry-After": str(wait)},
        )

    @app.after_request
    def _log_refusal(response):
        if response.status_code == 403:
            user_id, username = _refused_user()
            reason = g.get("refusal_message")
            if reason is None and response.is_json:
                reason = ((response.get_json(silent=True) or {}).get("error") or {}).get("message")
            log_security_event(
                "forbidden",
                user_id=user_id,
                username=username,
                detail=f"{request.method} {request.path}" + (f"：{reason}" if reason else ""),
            )
        return response
