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
    init_web(app)

    from .api import bp as api_bp

    app.register_blueprint(api_bp)
    app.extensions["csrf"].exempt(api_bp)
    return app
