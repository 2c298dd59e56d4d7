"""RFC 3161 timestamps (issue 16 point 1): the internal authority's tokens verified by an
independent verifier (openssl ts -verify), a token over another hash reported by
``legalcase evidence verify``, an authority that is down leaves the upload stored and
pending until the retry, a real HTTP authority on loopback, documents and bundles too."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import select

from legalcase.cli import main
from legalcase.models import CustodyEvent, EvidenceItem
from legalcase.models.timestamps import Timestamp
from legalcase.services import evidence as ev
from legalcase.services import timestamps as ts
from legalcase.tsa import INTERNAL_LABEL, load_internal
from tests import factories as F
from tests.conftest import SHARED

PDF = SHARED / "fixtures" / "pdf" / "minimal-document.pdf"


@pytest.fixture
def env(app, session, tmp_path):
    admin = F.user(session)
    case = F.case(session, admin)
    store = app.extensions["legalcase_storage"]

    def add(data: bytes, name: str = "note.txt", kind: str = "contract"):
        item = ev.add_evidence(
            session,
            store,
            admin,
            case,
            io.BytesIO(data),
            name,
            {"kind": kind},
            tmp_dir=tmp_path / "tmp",
            max_bytes=2**20,
        )
        session.commit()
        return item

    return session, admin, case, store, add


def row_of(session, item) -> Timestamp:
    return session.scalars(
        select(Timestamp).where(Timestamp.object_kind == "evidence", Timestamp.object_id == item.id)
    ).one()


def openssl_verify(tmp_path: Path, token: bytes, sha256: str, ca_pem: str):
    (tmp_path / "resp.tsr").write_bytes(token)
    (tmp_path / "ca.pem").write_text(ca_pem)
    return subprocess.run(
        ["openssl", "ts", "-verify", "-digest", sha256, "-in", str(tmp_path / "resp.tsr")]
        + ["-CAfile", str(tmp_path / "ca.pem")],
        capture_output=True,
        text=True,
    )


def cli(app, *args, extra_env: dict | None = None):
    env = {
        **os.environ,
        "LEGALCASE_DATABASE_URL": app.config["DATABASE_URL"],
        "LEGALCASE_INSTANCE_PATH": app.config["INSTANCE_PATH"],
        "LEGALCASE_STORAGE_PATH": str(app.extensions["legalcase_storage"].root),
        **(extra_env or {}),
    }
    return CliRunner().invoke(main, ["evidence", *args], env=env)


def test_internal_token_is_verified_by_openssl(app, env, tmp_path):
    session, _, _, _, add = env
    item = add(PDF.read_bytes(), "contract.pdf")
    row = row_of(session, item)
    assert row.status == "ok" and row.is_internal and ts.label(row) == INTERNAL_LABEL
    assert row.sha256 == item.sha256 == hashlib.sha256(PDF.read_bytes()).hexdigest()
    ca = ts.authority().certificates_pem
    done = openssl_verify(tmp_path, row.token_der, item.sha256, ca)
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr
    # the same independent verifier refuses the token for another file's hash
    other = hashlib.sha256(b"another file").hexdigest()
    assert openssl_verify(tmp_path, row.token_der, other, ca).returncode != 0
    # the key and certificates were made in the instance folder, and are the ones that sign
    pem = Path(app.config["INSTANCE_PATH"], "tsa", "internal-authority.pem").read_text()
    assert "PRIVATE KEY" in pem and ca.split("-----END CERTIFICATE-----")[0] in pem
    upload = session.scalars(
        select(CustodyEvent).where(
            CustodyEvent.evidence_id == item.id, CustodyEvent.action == "upload"
        )
    ).one()
    assert upload.detail["timestamp"] == "ok"


def test_internal_certificate_is_a_timestamping_one(app):
    from cryptography import x509

    authority = ts.authority()
    eku = authority.cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [x509.ExtendedKeyUsageOID.TIME_STAMPING]
    # a second start keeps the same key (tokens already issued stay verifiable)
    again = ts.configure(app.config)
    assert again.cert == authority.cert


def test_two_processes_starting_at_once_end_with_one_key(tmp_path):
    code = (
        "import sys, time; from legalcase.tsa import load_internal\n"
        "time.sleep(max(0, float(sys.argv[2]) - time.time()))\n"
        "a = load_internal(sys.argv[1]); print(a.cert.serial_number)\n"
    )
    import time

    start = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path), start], stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    serials = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(serials) == 1
    assert [p.name for p in (tmp_path / "tsa").iterdir()] == ["internal-authority.pem"]
    assert str(load_internal(tmp_path).cert.serial_number) in serials


def test_verify_reports_a_token_whose_hash_does_not_match(app, env):
    session, _, _, _, add = env
    first = add(b"statement of 2026-10", "a.txt")
    second = add(b"statement of 2026-11", "b.txt")
    result = cli(app, "verify")
    assert result.exit_code == 0, result.output
    assert "已验证 2 个时间戳；无效 0 个" in result.output
    # the first item's row now holds the token of the second item's bytes
    a, b = row_of(session, first), row_of(session, second)
    a.token, a.gen_time = b.token, b.gen_time
    session.commit()
    result = cli(app, "verify")
    assert result.exit_code == 1
    assert (
        f"证据 {first.id}：时间戳无效：时间戳所证明的 SHA-256 与登记的哈希值不符" in result.output
    )
    assert f"证据 {second.id}：时间戳无效" not in result.output
    session.expire_all()
    assert row_of(session, first).status == "failed"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens


class TsaServer:
    """The internal authority served over HTTP on loopback, as a real TSA answers."""

    def __init__(self, authority):
        outer = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                outer.requests += 1
                body = self.rfile.read(int(self.headers["Content-Length"]))
                assert self.headers["Content-Type"] == "application/timestamp-query"
                answer = authority.respond(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def remote(tmp_path):
    """A third-party-like authority (its own instance folder) and its CA file."""
    authority = load_internal(tmp_path / "tsa-operator")
    ca_file = tmp_path / "tsa-ca.pem"
    ca_file.write_text(authority.certificates_pem)
    return authority, ca_file


def test_authority_down_keeps_the_upload_pending_then_the_retry_stamps_it(
    app, env, remote, tmp_path
):
    session, _, _, store, add = env
    operator, ca_file = remote
    down = f"http://127.0.0.1:{_closed_port()}/tsa"
    ts.configure({**app.config, "TSA_URL": down, "TSA_CA_FILE": str(ca_file)})
    item = add(b"delivery note 7", "delivery.txt", "delivery")
    stored = session.get(EvidenceItem, item.id)
    assert stored.status == "active" and store.exists(stored.storage_key)
    row = row_of(session, item)
    assert row.status == "pending" and row.token is None and row.attempts == 1
    assert "时间戳服务无法连接" in row.last_error
    assert ts.TimestampStatus(row.status).label == "待补时间戳"
    # still down: the retry keeps it pending and says so
    result = ts.retry_pending_timestamps(session)
    session.commit()
    assert [r.id for r in result.pending] == [row.id] and row.attempts == 2
    with TsaServer(operator) as server:
        ts.configure({**app.config, "TSA_URL": server.url, "TSA_CA_FILE": str(ca_file)})
        result = ts.retry_pending_timestamps(session)
        session.commit()
        assert [r.id for r in result.stamped] == [row.id] and server.requests == 1
    session.expire_all()
    row = row_of(session, item)
    assert row.status == "ok" and not row.is_internal and row.authority == "127.0.0.1"
    assert row.authority_url == server.url and row.last_error is None
    done = openssl_verify(tmp_path, row.token_der, item.sha256, ca_file.read_text())
    assert done.returncode == 0, done.stderr
    events = session.scalars(
        select(CustodyEvent.action).where(CustodyEvent.evidence_id == item.id)
    ).all()
    assert events.count("timestamp") == 2  # the failed retry and the one that stamped it


def test_remote_authority_over_http_and_the_pending_command(app, env, remote, tmp_path):
    session, _, _, _, add = env
    operator, ca_file = remote
    with TsaServer(operator) as server:
        ts.configure({**app.config, "TSA_URL": server.url, "TSA_CA_FILE": str(ca_file)})
        item = add(b"invoice 42", "invoice.txt", "invoice")
        row = row_of(session, item)
        assert row.status == "ok" and row.authority_url == server.url and not row.is_internal
        info = ts.authority().verify(row.token_der, bytes.fromhex(item.sha256))
        assert info.gen_time == row.gen_time
        # an authority whose certificates are not the configured ones is not trusted
        stranger = load_internal(tmp_path / "stranger")
        bad_ca = tmp_path / "stranger.pem"
        bad_ca.write_text(stranger.certificates_pem)
        ts.configure({**app.config, "TSA_URL": server.url, "TSA_CA_FILE": str(bad_ca)})
        other = add(b"invoice 43", "invoice43.txt", "invoice")
        bad = row_of(session, other)
        assert bad.status == "pending" and "时间戳服务的应答无效" in bad.last_error
        session.commit()
        # the command-line retry, with the right certificates again
        result = cli(
            app,
            "timestamp-pending",
            extra_env={"LEGALCASE_TSA_URL": server.url, "LEGALCASE_TSA_CA_FILE": str(ca_file)},
        )
        assert result.exit_code == 0, result.output
        assert f"证据 {other.id}：已加时间戳" in result.output and "补办 1 个，仍待补 0 个" in (
            result.output
        )
    session.expire_all()
    assert row_of(session, other).status == "ok"


def test_a_remote_authority_needs_its_certificates(app):
    with pytest.raises(ValueError, match="LEGALCASE_TSA_CA_FILE"):
        ts.configure({**app.config, "TSA_URL": "http://127.0.0.1:1/", "TSA_CA_FILE": ""})


def test_pending_command_exits_1_while_the_authority_is_down(app, env, remote):
    session, _, _, _, add = env
    _, ca_file = remote
    down = {"LEGALCASE_TSA_URL": f"http://127.0.0.1:{_closed_port()}/"}
    ts.configure({**app.config, "TSA_URL": down["LEGALCASE_TSA_URL"], "TSA_CA_FILE": str(ca_file)})
    item = add(b"call notes", "notes.txt")
    result = cli(
        app, "timestamp-pending", extra_env={**down, "LEGALCASE_TSA_CA_FILE": str(ca_file)}
    )
    assert result.exit_code == 1
    assert f"证据 {item.id}：仍待补时间戳" in result.output
    result = cli(app, "verify", extra_env={**down, "LEGALCASE_TSA_CA_FILE": str(ca_file)})
    assert f"证据 {item.id}：待补时间戳" in result.output


def test_bundle_and_its_index_carry_hashes_and_timestamps(app, env, tmp_path):
    session, admin, case, store, add = env
    item = add(PDF.read_bytes(), "contract.pdf")
    bundle = ev.build_case_bundle(session, store, admin, case, [item.id], tmp_dir=tmp_path / "b")
    session.commit()
    brow = session.scalars(
        select(Timestamp).where(Timestamp.object_kind == "bundle", Timestamp.object_id == bundle.id)
    ).one()
    assert brow.status == "ok" and brow.sha256 == bundle.sha256
    out = tmp_path / "bundle.pdf"
    with store.open(bundle.storage_key) as fh:
        out.write_bytes(fh.read())
    listing = PdfReader(out).pages[0].extract_text().replace("\n", "")
    from legalcase.services.clock import SHANGHAI

    when = row_of(session, item).gen_time.astimezone(SHANGHAI).strftime("%Y-%m-%d")
    assert item.sha256[:16] in listing
    assert "时间戳" in listing and when in listing and INTERNAL_LABEL in listing


def test_old_objects_are_backfilled_by_the_retry(app, env):
    session, _, _, _, add = env
    item = add(b"before timestamps", "old.txt")
    session.delete(row_of(session, item))
    session.commit()
    check = ts.verify_timestamps(session)
    assert [obj.id for _, obj in check.missing] == [item.id]
    result = ts.retry_pending_timestamps(session)
    session.commit()
    assert [r.object_id for r in result.stamped] == [item.id]
    assert base64.b64decode(row_of(session, item).token)


def test_the_scheduled_retry_job_stamps_what_was_pending(app, env, remote):
    """The job queue's ``timestamps.retry`` (on the schedule) stamps the pending items."""
    from legalcase.db import db
    from legalcase.jobs import submit
    from legalcase.jobs.runner import run
    from legalcase.jobs.schedule import schedule
    from legalcase.models.jobs import Job

    assert "timestamps.retry" in {s.kind for s in schedule({})}
    session, _, _, _, add = env
    operator, ca_file = remote
    down = f"http://127.0.0.1:{_closed_port()}/"
    ts.configure({**app.config, "TSA_URL": down, "TSA_CA_FILE": str(ca_file)})
    item = add(b"courier receipt", "receipt.txt", "delivery_proof")
    assert row_of(session, item).status == "pending"
    session.commit()
    with TsaServer(operator) as server:
        ts.configure({**app.config, "TSA_URL": server.url, "TSA_CA_FILE": str(ca_file)})
        with app.app_context():
            uow = db.unit_of_work(write=True)
            uow.start()
            job = submit(uow.session, "timestamps.retry")
            uow.session.info["legalcase_jobs_to_send"] = []  # not sent: run here
            uow.commit()
            uow.close()
            assert run(app, job.id, "w1") == "done"
    session.rollback()
    done = session.get(Job, job.id)
    assert (
        done.result["stamped"] == [{"kind": "evidence", "id": item.id, "authority": "127.0.0.1"}]
        and done.result["pending"] == []
    )
    assert row_of(session, item).status == "ok"


def test_a_generated_document_is_timestamped(app, session, tmp_path):
    from datetime import date

    from legalcase.services import documents

    legal = F.user(session, "legal", name="陈律师")
    case = F.case(session, legal)
    F.receivable(session, legal, case)
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = app.extensions["legalcase_storage"]
    doc = documents.generate(
        session,
        store,
        legal,
        case,
        "reminder_30",
        as_of=date(2026, 11, 24),
        config=config,
        override_reason="测试",
    )
    session.commit()
    row = session.scalars(
        select(Timestamp).where(Timestamp.object_kind == "document", Timestamp.object_id == doc.id)
    ).one()
    assert row.status == "ok" and row.sha256 == doc.sha256 and row.case_id == case.id
    assert (
        openssl_verify(
            tmp_path, row.token_der, doc.sha256, ts.authority().certificates_pem
        ).returncode
        == 0
    )
    # verify checks documents' tokens too
    assert ts.verify_timestamps(session).problems == []
