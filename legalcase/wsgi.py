"""The WSGI application for a production server:
``gunicorn -c python:legalcase.gunicorn_conf legalcase.wsgi:app``.

It refuses to load without what a production deployment needs (``config.server_problem``);
migrations are run beforehand by ``legalcase db upgrade``."""

from __future__ import annotations

from legalcase import create_app
from legalcase.config import require_server_config

app = create_app()
require_server_config(app.config)
