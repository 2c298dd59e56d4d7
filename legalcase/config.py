"""Settings from the environment; defaults are SQLite and local files under instance/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def default_instance_path() -> Path:
    env = os.environ.get("LEGALCASE_INSTANCE_PATH")
    if env:
        return Path(env).resolve()
    return (Path.cwd() / "instance").resolve()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


SECRET_KEY_MIN_LENGTH = 32


class ConfigError(Exception):
    """This configuration may not be served (the message says why, in Chinese)."""


def _secret_key(instance: Path) -> str:
    """LEGALCASE_SECRET_KEY, else a secret kept in instance/ so that sessions survive restarts
    of this one machine (the embedded default; a production server refuses it: ``server_problem``)."""
    if os.environ.get("LEGALCASE_SECRET_KEY"):
        return os.environ["LEGALCASE_SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    instance = Path(overrides.pop("INSTANCE_PATH", None) or default_instance_path())
    instance.mkdir(parents=True, exist_ok=True)
    https = _flag("LEGALCASE_HTTPS")
    redis_url = os.environ.get("LEGALCASE_REDIS_URL", "")
    default_url = f"sqlite:///{instance / 'legalcase.db'}"
    config = {
        "INSTANCE_PATH": str(instance),
        # LEGALCASE_ENV=production: served as production even on the default SQLite file.
        "ENV": os.environ.get("LEGALCASE_ENV", "").strip().lower() or "embedded",
        "DEFAULT_DATABASE_URL": default_url,
        "DATABASE_URL": os.environ.get("LEGALCASE_DATABASE_URL", default_url),
        "STORAGE_PATH": os.environ.get("LEGALCASE_STORAGE_PATH", str(instance / "files")),
        "STORAGE_BACKEND": os.environ.get("LEGALCASE_STORAGE_BACKEND", "local"),
        "MINIO_ENDPOINT": os.environ.get("LEGALCASE_MINIO_ENDPOINT"),
        "MINIO_ACCESS_KEY": os.environ.get("LEGALCASE_MINIO_ACCESS_KEY"),
        "MINIO_SECRET_KEY": os.environ.get("LEGALCASE_MINIO_SECRET_KEY"),
        "MINIO_BUCKET": os.environ.get("LEGALCASE_MINIO_BUCKET", "legalcase-evidence"),
        "MINIO_SECURE": os.environ.get("LEGALCASE_MINIO_SECURE", "") in ("1", "true", "yes"),
        "EVIDENCE_MAX_MB": int(os.environ.get("LEGALCASE_EVIDENCE_MAX_MB", "200")),
        "UPLOAD_TMP": str(instance / "tmp"),
        # Request bodies (legalcase.web.limits): ordinary forms and JSON at most REQUEST_MAX_KB,
        # a request without a session or API token at most ANONYMOUS_MAX_KB (the login form);
        # uploads have their own limits (evidence EVIDENCE_MAX_MB, imports IMPORT_MAX_MB).
        "MAX_CONTENT_LENGTH": int(os.environ.get("LEGALCASE_REQUEST_MAX_KB", "1024")) * 1024,
        "ANONYMOUS_MAX_BYTES": int(os.environ.get("LEGALCASE_ANONYMOUS_MAX_KB", "64")) * 1024,
        "IMPORT_MAX_MB": int(os.environ.get("LEGALCASE_IMPORT_MAX_MB", "50")),
        # Alert e-mails; without SMTP_HOST the digests are written to OUTBOX as .eml files.
        "SMTP_HOST": os.environ.get("LEGALCASE_SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("LEGALCASE_SMTP_PORT", "25")),
        "SMTP_SECURITY": os.environ.get("LEGALCASE_SMTP_SECURITY", "none"),  # none | starttls | ssl
        "SMTP_USER": os.environ.get("LEGALCASE_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("LEGALCASE_SMTP_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("LEGALCASE_MAIL_FROM", "legalcase@localhost"),
        "OUTBOX": os.environ.get("LEGALCASE_OUTBOX", str(instance / "outbox")),
        # Escalation ladder: days overdue of its three rungs (remind, specialist, legal).
        "LADDER_DAYS": os.environ.get("LEGALCASE_LADDER_DAYS", "30,60,90"),
        # In-process daily run of the ladder and the alert digest (legalcase alerts daemon).
        "ALERTS_AT": os.environ.get("LEGALCASE_ALERTS_AT", "08:00"),
        # The law firm that signs lawyer's letters and filings (设置 -> firm profile).
        "FIRM_NAME": os.environ.get("LEGALCASE_FIRM_NAME", "上海明诚律师事务所"),
        "FIRM_CODE": os.environ.get("LEGALCASE_FIRM_CODE", "明诚律函"),
        "FIRM_ADDRESS": os.environ.get(
            "LEGALCASE_FIRM_ADDRESS", "上海市浦东新区世纪大道 100 号 20 楼"
        ),
        "FIRM_PHONE": os.environ.get("LEGALCASE_FIRM_PHONE", "021-5888 0000"),
        "FIRM_LAWYERS": os.environ.get("LEGALCASE_FIRM_LAWYERS", "陈明、李诚"),
        # A PNG or JPEG of the firm's seal, printed on lawyer's letters (optional).
        "FIRM_SEAL_IMAGE": os.environ.get("LEGALCASE_FIRM_SEAL_IMAGE", ""),
        "TEMPLATES_PATH": os.environ.get(
            "LEGALCASE_TEMPLATES_PATH",
            str(Path(__file__).resolve().parent.parent / "templates" / "documents"),
        ),
        # Security (OWASP ASVS level 2). LEGALCASE_HTTPS: served over TLS (Secure cookies, HSTS).
        "HTTPS": https,
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none).
        "TRUSTED_PROXIES": int(os.environ.get("LEGALCASE_TRUSTED_PROXIES", "0")),
        # Shared state (login throttling): Redis when LEGALCASE_REDIS_URL is set, else memory.
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_KEY_PREFIX": "legalcase",
        # Failed logins allowed per account and per client address (Flask-Limiter syntax).
        "LOGIN_LIMIT_ACCOUNT": os.environ.get(
            "LEGALCASE_LOGIN_LIMIT_ACCOUNT", "5 per minute;20 per hour"
        ),
        "LOGIN_LIMIT_ADDRESS": os.environ.get(
            "LEGALCASE_LOGIN_LIMIT_ADDRESS", "20 per minute;100 per hour"
        ),
        # Days an API token is valid for.
        "TOKEN_DAYS": int(os.environ.get("LEGALCASE_TOKEN_DAYS", "180")),
        "SECRET_KEY_FROM_ENV": bool(os.environ.get("LEGALCASE_SECRET_KEY")),
        "PAGE_SIZE": 50,
        "WTF_CSRF_TIME_LIMIT": None,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "SQL_ECHO": False,
    }
    config.update(overrides)
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(instance)
    return config


def is_embedded(config: dict) -> bool:
    """The embedded default: the SQLite file in instance/ and not LEGALCASE_ENV=production.
    Only it may sign sessions with a key generated on this machine and migrate itself on
    ``legalcase serve``; anything else is a production deployment (many servers may share
    its database)."""
    return config.get("ENV") != "production" and config["DATABASE_URL"] == config.get(
        "DEFAULT_DATABASE_URL"
    )


def server_problem(config: dict) -> str | None:
    """Why this configuration may not be served (a web server or a worker), or None.

    Outside the embedded default the secret key that signs sessions must come from
    LEGALCASE_SECRET_KEY, be the same on every machine, and be long: a key generated per
    machine in instance/ would log users out whenever another server answers."""
    if is_embedded(config):
        return None
    if not config.get("SECRET_KEY_FROM_ENV"):
        return (
            "生产环境（非默认 SQLite 数据库，或 LEGALCASE_ENV=production）必须设置 "
            "LEGALCASE_SECRET_KEY：各台服务器相同的随机密钥，至少 32 个字符，例如 "
            'python3 -c "import secrets; print(secrets.token_hex(32))" 的输出'
        )
    if len(config["SECRET_KEY"]) < SECRET_KEY_MIN_LENGTH:
        return f"LEGALCASE_SECRET_KEY 太短：至少 {SECRET_KEY_MIN_LENGTH} 个字符"
    return None


def require_server_config(config: dict) -> None:
    """Raise ConfigError when ``config`` may not be served (``server_problem``)."""
    problem = server_problem(config)
    if problem:
        raise ConfigError(problem)
