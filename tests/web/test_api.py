import re

import pytest
import yaml
from marshmallow import fields
from marshmallow import validate as checks
from openapi_spec_validator import validate

from legalcase import schemas as S
from legalcase.schemas.allocation import AssignSchema
from legalcase.schemas.assets import AssetSchema, FreezeSchema, OutcomeSchema
from legalcase.schemas.disputes import ConfirmationSchema, DisputeSchema, ResolveSchema
from legalcase.schemas.jobs import BatchSchema
from legalcase.schemas.mediation import MediationCloseSchema
from legalcase.schemas.plans import (
    DecisionSchema,
    MediationSchema,
    MediationSessionSchema,
    PlanCancelSchema,
    PlanSchema,
    WaiverSchema,
)
from legalcase.services.auth import issue_token
from tests import factories as F


@pytest.fixture
def api(app, session):
    admin = F.user(session, "admin")
    token = issue_token(session, admin)
    client = app.test_client()

    def call(method, url, json=None, token=token):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.open(f"/api/v1{url}", method=method, json=json, headers=headers)

    call.session = session
    call.admin = admin
    return call


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix("/api/v1"))


def _spec(client) -> dict:
    spec = yaml.safe_load(client.get("/api/v1/openapi.yaml").data)
    validate(spec)
    return spec


def _deref(spec: dict, node: dict) -> dict:
    """What ``node`` refers to; the parts of an ``allOf`` merged into one object."""
    while "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    if "allOf" in node:
        merged: dict = {"type": "object", "properties": {}, "required": []}
        for part in (_deref(spec, p) for p in node["allOf"]):
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += part.get("required", [])
        return merged
    return node


def _kind(field: fields.Field) -> tuple[str, str | None] | None:
    """(type, format) the OpenAPI document should give a field; None for a computed one."""
    if isinstance(field, S.Money):
        return "string", "money"
    if isinstance(field, fields.Date):  # before DateTime: Date is a DateTime
        return "string", "date"
    if isinstance(field, fields.DateTime):
        return "string", "date-time"
    if isinstance(field, fields.Integer):
        return "integer", None
    if isinstance(field, fields.Boolean):
        return "boolean", None
    if isinstance(field, fields.Dict):
        return "object", None
    if isinstance(field, fields.String | S.Rate):
        return "string", None
    return None


def _field_problems(
    spec: dict, doc: dict, field: fields.Field, where: str, load: bool = False
) -> list[str]:
    money = doc.get("$ref", "").endswith("Money")  # Money or OptionalMoney
    doc = _deref(spec, doc)
    if isinstance(field, fields.List):
        if doc.get("type") != "array":
            return [f"{where}: a list, documented as {doc.get('type')}"]
        return _field_problems(spec, doc["items"], field.inner, f"{where}[]")
    if isinstance(field, fields.Nested):
        return _problems(spec, doc, field.schema, where)
    kind = _kind(field)
    if kind is None:
        return []
    documented = (doc.get("type"), "money" if money else doc.get("format"))
    out = [] if documented == kind else [f"{where}: {kind}, documented as {documented}"]
    if load:
        out += _limit_problems(doc, field, where)
    choices = field.metadata.get("choices")
    if set(choices or ()) != set(doc.get("enum", ())) - {None}:
        out.append(f"{where}: values {sorted(choices or ())}, documented {doc.get('enum')}")
    return out


def _limit_problems(doc: dict, field: fields.Field, where: str) -> list[str]:
    """The lengths and integer ranges the server enforces are in the document."""
    enforced = {}
    for v in field.validators:
        if isinstance(v, checks.Length) and isinstance(field, fields.String):
            enforced["maxLength"] = v.max
        if isinstance(v, checks.Range) and isinstance(field, fields.Integer):
            enforced.update(minimum=v.min, maximum=v.max)
    documented = {k: doc.get(k) for k in enforced}
    return (
        [] if documented == enforced else [f"{where}: limits {enforced}, documented {documented}"]
    )


def _problems(spec: dict, doc: dict, schema, where: str, load: bool = False) -> list[str]:
    """How the documented object ``doc`` differs from what ``schema`` dumps (or loads)."""
    doc = _deref(spec, doc)
    props = doc.get("properties", {})
    names = schema.load_fields if load else schema.dump_fields
    out = [f"{where}.{n}: not documented" for n in names.keys() - props.keys()]
    out += [
        f"{where}.{n}: documented, never {'read' if load else 'dumped'}"
        for n in props.keys() - names.keys()
    ]
    if load:
        required = {n for n, f in names.items() if f.required}
        if required != set(doc.get("required", ())):
            out.append(f"{where}: required {sorted(required)}, documented {doc.get('required')}")
    for name in props.keys() & names.keys():
        out += _field_problems(spec, props[name], names[name], f"{where}.{name}", load)
    return out


# The catch-all answering unknown paths with a JSON 404 or 405 is no operation of its own.
CATCH_ALL = {"api.unknown", "api.unknown_root"}


def _operations(app):
    """(method, OpenAPI path, view function) of every API route."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in CATCH_ALL:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, _flask_to_openapi(rule.rule), app.view_functions[rule.endpoint]


def test_openapi_document_is_valid_and_matches_the_routes(app, client):
    spec = _spec(client)
    documented = {
        (path, m.upper()) for path, ops in spec["paths"].items() for m in ops if m != "parameters"
    }
    routed = {
        (_flask_to_openapi(r.rule), m)
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("api.") and r.endpoint not in CATCH_ALL
        for m in r.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == routed


def test_documented_responses_are_what_the_dump_schemas_dump(app, client):
    """A field dumped but not documented, or documented but never dumped, fails here; so
    does a documented type or list of values that is not the one dumped."""
    spec = _spec(client)
    problems = []
    for method, path, view in _operations(app):
        schema, status = getattr(view, "dump_schema", None), str(getattr(view, "status", 200))
        where = f"{method} {path} {status}"
        response = spec["paths"][path][method.lower()]["responses"].get(status)
        if response is None:
            problems.append(f"{where}: status not documented")
            continue
        doc = _deref(spec, response).get("content", {}).get("application/json", {}).get("schema")
        if schema is None:  # a file, this document, or a calculator's own format
            if doc is not None and _deref(spec, doc).get("properties"):
                problems.append(f"{where}: properties documented, but no dump schema")
        elif doc is None:
            problems.append(f"{where}: dumps {schema.__name__}, documented as no JSON")
        else:
            problems += _problems(spec, doc, schema(), where)
    assert problems == []


REQUESTS = {
    ("POST", "/documents/batch"): BatchSchema,
    ("POST", "/creditors"): S.CreditorSchema,
    ("PATCH", "/creditors/{creditor_id}"): S.CreditorSchema,
    ("POST", "/parties"): S.PartySchema,
    ("PATCH", "/parties/{party_id}"): S.PartySchema,
    ("POST", "/parties/{party_id}/contacts"): S.ContactSchema,
    ("PATCH", "/contacts/{contact_id}"): S.ContactSchema,
    ("POST", "/cases"): S.CaseSchema,
    ("PATCH", "/cases/{case_id}"): S.CaseSchema,
    ("POST", "/cases/{case_id}/stage"): S.StageMoveSchema,
    ("POST", "/cases/{case_id}/contracts"): S.ContractSchema,
    ("PATCH", "/contracts/{contract_id}"): S.ContractSchema,
    ("POST", "/cases/{case_id}/receivables"): S.ReceivableSchema,
    ("PATCH", "/receivables/{receivable_id}"): S.ReceivableSchema,
    ("POST", "/cases/{case_id}/payments"): S.PaymentSchema,
    ("PATCH", "/payments/{payment_id}"): S.PaymentSchema,
    ("POST", "/cases/{case_id}/ledger"): S.LedgerSchema,
    ("PATCH", "/ledger/{entry_id}"): S.LedgerSchema,
    ("POST", "/deadlines/{deadline_id}/handled"): S.HandledSchema,
    ("POST", "/tasks/{task_id}/complete"): S.TaskCompleteSchema,
    ("POST", "/tasks/{task_id}/snooze"): S.TaskSnoozeSchema,
    ("PATCH", "/tasks/{task_id}"): S.TaskAssignSchema,
    ("POST", "/tasks/{task_id}/comments"): S.TaskCommentSchema,
    ("POST", "/cases/assign"): AssignSchema,
    ("POST", "/cases/{case_id}/court-events"): S.CourtEventSchema,
    ("PATCH", "/court-events/{event_id}"): S.CourtEventSchema,
    ("POST", "/cases/{case_id}/evidence"): S.EvidenceSchema,
    ("POST", "/cases/{case_id}/documents"): S.GenerateSchema,
    ("POST", "/cases/{case_id}/confirmations"): ConfirmationSchema,
    ("POST", "/cases/{case_id}/disputes"): DisputeSchema,
    ("POST", "/disputes/{dispute_id}/resolve"): ResolveSchema,
    ("POST", "/cases/{case_id}/plans"): PlanSchema,
    ("POST", "/cases/{case_id}/waivers"): WaiverSchema,
    ("POST", "/waivers/{waiver_id}/decision"): DecisionSchema,
    ("POST", "/plans/{plan_id}/cancel"): PlanCancelSchema,
    ("POST", "/cases/{case_id}/mediations"): MediationSchema,
    ("POST", "/mediations/{mediation_id}/sessions"): MediationSessionSchema,
    ("POST", "/mediations/{mediation_id}/close"): MediationCloseSchema,
    ("POST", "/cases/{case_id}/assets"): AssetSchema,
    ("POST", "/assets/{asset_id}/freezes"): FreezeSchema,
    ("POST", "/cases/{case_id}/enforcement-outcomes"): OutcomeSchema,
}


def test_documented_request_bodies_are_what_the_input_schemas_read(app, client):
    """Fields, types, required fields and lists of values (e.g. channels) as parsed."""
    spec = _spec(client)
    problems, described = [], set()
    for method, path, _view in _operations(app):
        body = spec["paths"][path][method.lower()].get("requestBody")
        if body is None:
            continue
        (media, content), *_ = body["content"].items()
        doc = _deref(spec, content["schema"])
        if not doc.get("properties"):  # the calculators' own formats
            continue
        described.add((method, path))
        if media == "multipart/form-data":  # the file travels beside the fields
            doc = {
                **doc,
                "properties": {k: v for k, v in doc["properties"].items() if k != "file"},
                "required": [r for r in doc.get("required", ()) if r != "file"],
            }
        schema = REQUESTS.get((method, path))
        if schema is None:
            problems.append(f"{method} {path}: which input schema reads it? (REQUESTS)")
            continue
        problems += _problems(spec, doc, schema(), f"{method} {path}", load=True)
    assert problems == [] and described == set(REQUESTS)


def test_token_required(api):
    r = api("GET", "/cases", token=None)
    assert r.status_code == 401
    assert r.json["error"]["code"] == "unauthorized"
    assert api("GET", "/cases", token="lc_wrong").status_code == 401


def test_unknown_paths_and_methods_answer_in_the_error_format(api):
    for url in ("/no-such-thing", "/cases/1/nothing", "/"):
        r = api("GET", url)
        assert r.status_code == 404 and r.is_json, url
        assert r.json["error"]["code"] == "not_found"
    r = api("DELETE", "/cases")
    assert r.status_code == 405 and r.is_json
    assert set(r.headers["Allow"].split(", ")) == {"GET", "POST"}
    for url in (f"/cases/{2**31}", f"/cases/{2**70}/receivables", f"/documents/{2**63}/docx"):
        r = api("GET", url)
        assert r.status_code == 404 and r.json["error"]["code"] == "not_found", url
    assert api("GET", "/no-such-thing", token=None).status_code == 401


def test_an_unexpected_failure_is_a_json_500_without_traceback(api, app, monkeypatch):
    from legalcase.services import cases as case_svc

    def broken(*_a, **_k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(case_svc, "list_cases", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    r = api("GET", "/cases")
    assert r.status_code == 500 and r.json["error"]["code"] == "internal_error"
    assert b"secret internals" not in r.data and b"Traceback" not in r.data


def _setup_case(api):
    cred = F.creditor(api.session)
    r = api(
        "POST",
        "/parties",
        {"kind": "company", "name": "杭州宏运物流有限公司", "id_code": F.uscc(777)},
    )
    assert r.status_code == 201, r.json
    debtor_id = r.json["id"]
    r = api(
        "POST",
        "/cases",
        {
            "title": "宏运物流运费纠纷",
            "creditor_id": cred.id,
            "debtor_id": debtor_id,
            "risk_level": "high",
        },
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_a_case_through_the_api(api):
    case_id = _setup_case(api)
    r = api(
        "POST",
        f"/cases/{case_id}/contracts",
        {
            "number": "HT-2025-001",
            "kind": "sale",
            "signed_date": "2025-01-10",
            "amount": "300000.00",
            "late_fee_type": "daily_rate",
            "late_fee_rate": "0.05",
            "governing_law": "CN",
            "dispute_resolution": "court",
            "guarantees": [],
        },
    )
    assert r.status_code == 201, r.json
    r = api(
        "POST",
        f"/cases/{case_id}/receivables",
        {
            "invoice_no": "FP001",
            "amount": "120000.00",
            "issue_date": "2025-02-01",
            "due_date": "2025-04-01",
            "contract_id": r.json["id"],
        },
    )
    assert r.status_code == 201, r.json
    r = api("POST", f"/cases/{case_id}/payments", {"paid_date": "2025-05-01", "amount": "20000"})
    assert r.status_code == 201, r.json
    assert r.json["allocations"][0]["amount"] == "20000.00"
    r = api(
        "POST",
        f"/cases/{case_id}/ledger",
        {
            "contacted_at": "2025-05-02 10:30",
            "channel": "call",
            "summary": "承诺月底前付款",
            "outcome": "promised",
            "promise_amount": "50000",
            "promise_due_date": "2025-05-31",
        },
    )
    assert r.status_code == 201, r.json
    assert r.json["promises"][0]["status"] == "broken"  # 2025-05-31 has long passed
    r = api("POST", f"/cases/{case_id}/stage", {"stage": "demand", "reason": "发送律师函"})
    assert r.status_code == 201
    case = api("GET", f"/cases/{case_id}").json
    assert case["outstanding_amount"] == "100000.00"
    assert case["stage"] == "demand"
    listed = api("GET", "/cases?stage=demand&tier=90%2B").json
    assert [c["id"] for c in listed["items"]] == [case_id]
    audit = api("GET", f"/cases/{case_id}/audit").json["items"]
    assert {"cases", "receivables", "payments", "ledger_entries", "stage_changes"} <= {
        a["entity"] for a in audit
    }


def test_errors_name_the_fields_and_write_nothing(api):
    case_id = _setup_case(api)
    r = api(
        "POST",
        f"/cases/{case_id}/receivables",
        {
            "invoice_no": "FP9",
            "amount": "-1",
            "issue_date": "2025-02-30",
            "due_date": "2025-01-01",
            "currency": "XXX1",
        },
    )
    assert r.status_code == 400
    err = r.json["error"]
    assert err["code"] == "invalid_input"
    assert set(err["fields"]) == {"amount", "issue_date", "currency"}
    r = api(
        "POST",
        f"/cases/{case_id}/receivables",
        {
            "invoice_no": "FP9",
            "amount": "100",
            "issue_date": "2025-02-01",
            "due_date": "2025-01-01",
        },
    )
    assert r.json["error"]["fields"] == {"due_date": "到期日不能早于开票日"}
    r = api("POST", f"/cases/{case_id}/payments", {"paid_date": "2025-05-01", "amount": "1"})
    assert r.status_code == 400 and "超过尚欠金额" in r.json["error"]["fields"]["amount"]
    r = api("POST", f"/cases/{case_id}/stage", {"stage": "judgment", "reason": "x"})
    assert r.status_code == 400 and r.json["error"]["code"] == "illegal_stage_move"
    assert api("GET", f"/cases/{case_id}/receivables").json["items"] == []
    assert api("GET", f"/cases/{case_id}/payments").json["items"] == []
    r = api("POST", "/cases", "not an object")
    assert r.status_code == 400 and r.json["error"]["code"] == "bad_json"
    assert api("GET", "/cases/99999").status_code == 404


def test_out_of_range_input_is_a_400_naming_the_field(api):
    case_id = _setup_case(api)
    cases = [
        ("POST", "/cases", {"title": "t", "creditor_id": 2**70, "debtor_id": 1}, "creditor_id"),
        ("POST", "/cases", {"title": "a\u0000b", "creditor_id": 1, "debtor_id": 1}, "title"),
        ("POST", "/cases", {"title": "t" * 201, "creditor_id": 1, "debtor_id": 1}, "title"),
        (
            "POST",
            f"/cases/{case_id}/documents",
            {"doc_type": "demand_letter", "as_of": "2025-01-01", "pay_days": 2**64},
            "pay_days",
        ),
        (
            "POST",
            f"/cases/{case_id}/receivables",
            {
                "invoice_no": "F",
                "amount": "1",
                "issue_date": "0001-01-01",
                "due_date": "9999-12-31",
            },
            "issue_date",
        ),
        ("GET", f"/cases/{case_id}/claim?as_of=1899-12-31", None, "as_of"),
        ("GET", "/cases?page=99999999999999999999", None, "page"),
        ("GET", "/cases?owner_id=99999999999999999999", None, "owner_id"),
        ("GET", "/cases?q=a%00b", None, "q"),
        ("GET", "/parties?q=%00", None, "q"),
    ]
    for method, url, payload, field in cases:
        r = api(method, url, payload)
        assert r.status_code == 400, (url, r.status_code, r.data[:300])
        assert r.json["error"]["code"] == "invalid_input"
        assert field in r.json["error"]["fields"], (url, r.json)
    r = api(
        "POST",
        f"/cases/{case_id}/receivables",
        {"invoice_no": "F", "amount": "1", "issue_date": "2025-01-01", "due_date": "9999-12-31"},
    )
    assert "due_date" in r.json["error"]["fields"]
    assert api("GET", f"/cases/{case_id}/receivables").json["items"] == []


def test_viewer_token_is_refused_changes(api):
    case_id = _setup_case(api)
    viewer = F.user(api.session, "viewer")
    token = issue_token(api.session, viewer)
    assert api("GET", f"/cases/{case_id}", token=token).status_code == 200
    r = api("PATCH", f"/cases/{case_id}", {"risk_level": "low"}, token=token)
    assert r.status_code == 403
    assert "只读" in r.json["error"]["message"]
    assert api("GET", f"/cases/{case_id}").json["risk_level"] == "high"


def test_calculators_over_http(api):
    from tests.unit.test_deadlines import VECTORS, assert_matches
    from tests.unit.test_interest import VECTORS as INTEREST

    for v in VECTORS:
        r = api("POST", "/deadlines/calculate", v["input"])
        assert r.status_code == 200, r.json
        assert_matches(v["expect"], r.json["deadlines"])
    for v in INTEREST:
        r = api("POST", "/interest/calculate", v["input"])
        assert {k: r.json[k] for k in v["expect"]} == v["expect"]
    r = api("POST", "/deadlines/calculate", {"as_of": "2026-01-01", "due_date": "2023-13-01"})
    assert r.status_code == 400
    assert list(r.json["error"]["fields"]) == ["due_date"]
    r = api(
        "POST",
        "/interest/calculate",
        {"as_of": "2026-01-01", "rate": {"type": "annual", "percent": "-1"}},
    )
    assert r.status_code == 400 and "rate.percent" in r.json["error"]["fields"]


def test_court_events_deadlines_and_claim_through_the_api(api):
    case_id = _setup_case(api)
    api(
        "POST",
        f"/cases/{case_id}/receivables",
        {
            "invoice_no": "FP100",
            "amount": "36500.00",
            "issue_date": "2025-01-01",
            "due_date": "2025-03-31",
        },
    )
    r = api(
        "POST",
        f"/cases/{case_id}/court-events",
        {
            "kind": "preservation",
            "event_date": "2026-04-05",
            "is_pre_suit": True,
            "asset_kind": "bank_deposit",
        },
    )
    assert r.status_code == 201, r.json
    items = api("GET", f"/cases/{case_id}/deadlines").json["items"]
    kinds = {d["kind"]: d for d in items}
    assert kinds["freeze_expiry"]["date"] == "2027-04-04"
    assert kinds["sue_after_preservation"]["date"] == "2026-05-06"
    assert kinds["limitation"]["date"] == "2028-03-31"
    r = api(
        "POST",
        f"/deadlines/{kinds['sue_after_preservation']['id']}/handled",
        {"note": "已于 5 月 6 日起诉"},
    )
    assert r.status_code == 200 and r.json["is_handled"]
    assert api("GET", f"/cases/{case_id}").json["next_deadline_date"] == "2027-03-26"
    r = api(
        "PATCH",
        f"/court-events/{api('GET', f'/cases/{case_id}/court-events').json['items'][0]['id']}",
        {"expires_date": "2026-01-01"},
    )
    assert r.status_code == 400 and "expires_date" in r.json["error"]["fields"]
    claim = api("GET", f"/cases/{case_id}/claim?as_of=2025-12-31").json
    # no agreed rate: LPR 3.10 (2024-10-21) x 1.5 = 4.65%; 36500 x 4.65% x 275/365 = 1278.75
    assert claim["interest_outstanding"] == "1278.75"
    assert claim["total"] == "37778.75"


def test_evidence_over_the_api(api, app):
    import io

    case_id = _setup_case(api)
    client = app.test_client()
    token = issue_token(api.session, api.admin)
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        headers=headers,
        content_type="multipart/form-data",
        data={"kind": "invoice", "title": "发票", "file": (io.BytesIO(b"invoice 001"), "inv.txt")},
    )
    assert r.status_code == 201, r.json
    item = r.json
    assert item["content_type"] == "text/plain" and len(item["sha256"]) == 64
    r = client.get(f"/api/v1/evidence/{item['id']}/download", headers=headers)
    assert r.data == b"invoice 001" and r.headers["X-Content-SHA256"] == item["sha256"]
    r = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        headers=headers,
        content_type="multipart/form-data",
        data={"kind": "invoice", "file": (io.BytesIO(b""), "empty.pdf")},
    )
    assert r.status_code == 400 and r.json["error"]["code"] == "empty_file"
    listed = api("GET", f"/cases/{case_id}/evidence").json
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    assert {s["step"]: s["complete"] for s in listed["checklist"]}["reminder"] is False


def test_documents_over_the_api(api, app):
    case_id = _setup_case(api)
    api(
        "POST",
        f"/cases/{case_id}/receivables",
        {
            "invoice_no": "FP200",
            "amount": "1000.00",
            "issue_date": "2025-01-01",
            "due_date": "2025-03-31",
        },
    )
    r = api(
        "POST", f"/cases/{case_id}/documents", {"doc_type": "lawyer_letter", "as_of": "2026-11-24"}
    )
    assert r.status_code == 400 and r.json["error"]["code"] == "preconditions"
    assert "证据" in r.json["error"]["fields"]["missing"]
    r = api(
        "POST", f"/cases/{case_id}/documents", {"doc_type": "reminder_60", "as_of": "2026-11-24"}
    )
    assert r.status_code == 400 and "债务人地址" in r.json["error"]["message"]
    debtor_id = api("GET", f"/cases/{case_id}").json["debtor_id"]
    api("PATCH", f"/parties/{debtor_id}", {"registered_address": "杭州市西湖区文三路 1 号"})
    r = api(
        "POST", f"/cases/{case_id}/documents", {"doc_type": "reminder_60", "as_of": "2026-11-24"}
    )
    assert r.status_code == 201 and r.json["letter_number"].endswith("第0001号")
    listed = api("GET", f"/cases/{case_id}/documents").json["items"]
    assert [d["doc_type"] for d in listed] == ["reminder_60"]
    token = issue_token(api.session, api.admin)
    word = app.test_client().get(
        f"/api/v1/documents/{listed[0]['id']}/docx", headers={"Authorization": f"Bearer {token}"}
    )
    assert word.data[:2] == b"PK" and word.headers["X-Content-SHA256"] == listed[0]["sha256"]
