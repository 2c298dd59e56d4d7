"""Requests here go to an app served as in production: unlike the ``client`` fixture of
tests/conftest.py, whose requests share the test's ``session`` app context (and with it
Flask-Login's cached user), every request has an app context of its own."""

from __future__ import annotations

import pytest

from . import served_app


@pytest.fixture
def web(app, database_url, tmp_path):
    served = served_app(database_url, tmp_path / "served")
    yield served
    served.extensions["legalcase_db"]["engine"].dispose()


@pytest.fixture
def client(web):
    return web.test_client()
