"""Security of the served app (OWASP ASVS level 2), reproducing the attacker's probes."""

from __future__ import annotations

from legalcase import create_app
from tests import factories as F


def served_app(database_url, instance, **config):
    """An app as served: each request has an app context (and ``g``) of its own."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )


def login(client, user, password=F.PASSWORD, **kw):
    return client.post("/login", data={"username": user.username, "password": password}, **kw)


def signed_in(client) -> bool:
    return client.get("/cases").status_code == 200
