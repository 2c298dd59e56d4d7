"""Schemathesis against the API in process (WSGI): every documented operation, fuzzed with a
fixed seed and a bounded number of examples, must answer without a server error and with
responses the OpenAPI document describes (status codes, content types and bodies)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from legalcase.services.auth import issue_token
from tests import factories as F

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


def _seed(session) -> tuple[str, dict[str, int]]:
    """An admin's token, and the ids of a case, its debtor and a receivable: path ids that
    name something, so that operations get past their 404."""
    admin = F.user(session, "admin")
    token = issue_token(session, admin)
    case = F.case(session, admin)
    receivable = F.receivable(session, admin, case)
    session.commit()
    ids = {"case_id": case.id, "party_id": case.debtor_id, "receivable_id": receivable.id}
    return token, ids


def _known_ids(case, ids: dict[str, int]):
    """Every other example asks for an object that exists."""
    for name, value in (case.path_parameters or {}).items():
        if name in ids and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = ids[name]
    return case


def test_the_api_survives_schemathesis(app, session):
    token, ids = _seed(session)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.yaml", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ).map(lambda case: _known_ids(case, ids))

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except BaseException as exc:  # a FailureGroup; collected so one run names every operation
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures[operation.label] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
