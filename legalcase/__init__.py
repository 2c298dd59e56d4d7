"""legalcase: legal-case and evidence management for debt collection."""

from __future__ import annotations

from flask import Flask

from storage import make_storage

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    """The one app factory. ``config`` overrides settings read from the environment."""
    settings = load_config(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config.update(settings)

    from .web.uploads import UploadRequest

    app.request_class = UploadRequest

    from .db import db
    from .web import init_web

    db.init_app(app)
    app.extensions["legalcase_storage"] = make_storage(app.config)
    from .services.timestamps import configure as configure_timestamps

    configure_timestamps(app.config)  # the internal authority's key, made at first start
    init_web(app)

    from .api import bp as api_bp

    app.register_blueprint(api_bp)
    app.extensions["csrf"].exempt(api_bp)
    app.before_request(_once(app, remove_stray_temp_files))
    return app


def remove_stray_temp_files(app: Flask) -> int:
    """Remove temporary files of requests that died (their process is gone, e.g. a worker
    killed mid-upload) or untouched for over an hour: in UPLOAD_TMP, and half-written
    ``.part`` files of local storage. Returns how many were removed.

    A server process runs it before its first request. Not in create_app itself: every CLI
    command makes an app too, and ``legalcase evidence verify`` must see the leftovers."""
    from storage.tempfiles import remove, stray_temp_files

    removed = remove(stray_temp_files(app.config["UPLOAD_TMP"]))
    removed += remove(app.extensions["legalcase_storage"].stray_parts())
    for f in removed:
        app.logger.warning("removed a leftover temporary file: %s (%s)", f.path, f.reason)
    return len(removed)


def _once(app: Flask, fn):
    import threading

    lock = threading.Lock()
    done = False

    def run_once() -> None:
        nonlocal done
        if done:
            return
        with lock:
            if not done:
                try:
                    fn(app)
                except OSError:  # never a reason to refuse a request
                    app.logger.exception("removing leftover temporary files failed")
                done = True

    return run_once
