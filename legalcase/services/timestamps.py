"""RFC 3161 timestamps of every stored object (issue 16 point 1): an evidence item, a
generated document or a bundle gets a token over its SHA-256 in the same unit of work that
stores it. A failed request never loses the object: the row stays 待补时间戳 and
``retry_pending_timestamps`` tries again later (the CLI, or the job queue).

The signer is configured once per process (``configure``, from the app factory): the
authority at ``LEGALCASE_TSA_URL`` with the CA certificates of ``LEGALCASE_TSA_CA_FILE``, or
without one the internal authority, whose key is made in the instance folder at first start.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError
from legalcase.domain.values import TimestampedKind, TimestampStatus
from legalcase.models import EvidenceBundle, EvidenceItem, GeneratedDocument
from legalcase.models.base import utcnow
from legalcase.models.timestamps import Timestamp
from legalcase.tsa import (
    INTERNAL_LABEL,
    Authority,
    RemoteAuthority,
    TokenInvalid,
    TsaUnavailable,
    load_internal,
)

log = logging.getLogger(__name__)

MODELS = {
    TimestampedKind.EVIDENCE: EvidenceItem,
    TimestampedKind.DOCUMENT: GeneratedDocument,
    TimestampedKind.BUNDLE: EvidenceBundle,
}


@dataclass
class _Configured:
    signer: Authority
    instance: Path
    internal: Authority | None = None


_state: _Configured | None = None


def tsa_settings(config: Mapping) -> tuple[str, str, float]:
    """(url, CA file, timeout in seconds): the app's settings, else the environment."""
    url = config.get("TSA_URL") or os.environ.get("LEGALCASE_TSA_URL", "")
    ca_file = config.get("TSA_CA_FILE") or os.environ.get("LEGALCASE_TSA_CA_FILE", "")
    timeout = config.get("TSA_TIMEOUT") or os.environ.get("LEGALCASE_TSA_TIMEOUT", "5")
    return url.strip(), ca_file.strip(), float(timeout)


def configure(config: Mapping) -> Authority:
    """Set this process's signer from the settings; the internal authority is made (once,
    race-safe) in the instance folder when no URL is set."""
    global _state
    url, ca_file, timeout = tsa_settings(config)
    instance = Path(config["INSTANCE_PATH"])
    if url:  # its tokens are verified offline: without its certificates none would verify
        if not ca_file or not Path(ca_file).is_file():
            raise ValueError(
                "设置了 LEGALCASE_TSA_URL 时，LEGALCASE_TSA_CA_FILE 须指向时间戳服务的 CA 证书"
                f"（PEM）文件；现为：{ca_file or '未设置'}"
            )
        _state = _Configured(RemoteAuthority(url, ca_file, timeout), instance)
    else:
        internal = load_internal(instance)
        _state = _Configured(internal, instance, internal)
    return _state.signer


def authority() -> Authority:
    """The configured signer (the app factory configures it)."""
    if _state is None:  # a script without the app factory: the settings from the environment
        from legalcase.config import load_config

        configure(load_config())
    assert _state is not None
    return _state.signer


def internal_authority() -> Authority:
    """The instance's internal authority (to verify tokens it signed, whoever signs now)."""
    authority()
    assert _state is not None
    if _state.internal is None:
        _state.internal = load_internal(_state.instance)
    return _state.internal


def label(row: Timestamp) -> str:
    """The authority as shown wherever the timestamp shows."""
    return INTERNAL_LABEL if row.is_internal else row.authority


def _attempt(row: Timestamp, signer: Authority, now: datetime) -> bool:
    """One request for ``row``'s token; True when it is now stamped. Never raises."""
    row.attempts = (row.attempts or 0) + 1
    row.last_attempt_at = now
    row.authority, row.authority_url, row.is_internal = signer.label, signer.url, signer.internal
    try:
        der, info = signer.timestamp(bytes.fromhex(row.sha256))
    except (TsaUnavailable, TokenInvalid) as exc:
        row.status, row.last_error = TimestampStatus.PENDING, str(exc)[:1000]
        return False
    except Exception as exc:  # never lose the upload over a timestamp
        log.exception("timestamp of %s %s failed", row.object_kind, row.object_id)
        row.status, row.last_error = TimestampStatus.PENDING, f"时间戳失败：{exc}"[:1000]
        return False
    row.token = base64.b64encode(der).decode("ascii")
    row.gen_time, row.serial_number = info.gen_time, str(info.serial_number)
    row.status, row.last_error = TimestampStatus.OK, None
    return True


def _custody(session: Session, row: Timestamp, actor_id: int | None) -> None:
    if row.object_kind != TimestampedKind.EVIDENCE:
        return
    from legalcase.services.evidence.custody import custody

    custody(
        session,
        row.case_id,
        "timestamp",
        actor_id,
        row.object_id,
        status=row.status,
        gen_time=row.gen_time.isoformat() if row.gen_time else None,
        authority=label(row),
        error=row.last_error,
    )


def stamp(
    session: Session,
    kind: TimestampedKind,
    obj: EvidenceItem | GeneratedDocument | EvidenceBundle,
    actor_id: int | None = None,
    now: datetime | None = None,
    log_custody: bool = True,
) -> Timestamp:
    """Timestamp a just-stored object (flushed, with its id) in the caller's unit of work.
    A failure leaves the row pending (待补时间戳); the object is kept either way."""
    signer = authority()
    row = Timestamp(
        case_id=obj.case_id,
        object_kind=kind,
        object_id=obj.id,
        sha256=obj.sha256,
        authority=signer.label,
        is_internal=signer.internal,
        status=TimestampStatus.PENDING,
        attempts=0,
        created_at=now or utcnow(),
    )
    session.add(row)
    _attempt(row, signer, now or utcnow())
    session.flush()
    if log_custody:
        _custody(session, row, actor_id)
    return row


@dataclass
class RetryResult:
    stamped: list[Timestamp] = field(default_factory=list)
    pending: list[Timestamp] = field(default_factory=list)


def _unstamped(session: Session, case_id: int | None, limit: int) -> list:
    """Objects stored before timestamps existed (no row at all), oldest first."""
    found = []
    for kind, model in MODELS.items():
        stmt = (
            select(model)
            .where(
                ~select(Timestamp.id)
                .where(Timestamp.object_kind == kind, Timestamp.object_id == model.id)
                .exists()
            )
            .order_by(model.id)
            .limit(limit)
        )
        if case_id is not None:
            stmt = stmt.where(model.case_id == case_id)
        found += [(kind, obj) for obj in session.scalars(stmt)]
    return found[:limit]


def retry_pending_timestamps(
    session: Session,
    *,
    case_id: int | None = None,
    limit: int = 200,
    backfill: bool = True,
    now: datetime | None = None,
) -> RetryResult:
    """Request the tokens still missing: rows marked 待补时间戳 (and, with ``backfill``,
    objects stored before timestamps existed). Idempotent; a row another worker holds is
    skipped (``FOR UPDATE SKIP LOCKED`` on PostgreSQL)."""
    now = now or utcnow()
    signer = authority()
    result = RetryResult()
    stmt = (
        select(Timestamp)
        .where(Timestamp.status == TimestampStatus.PENDING)
        .order_by(Timestamp.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if case_id is not None:
        stmt = stmt.where(Timestamp.case_id == case_id)
    rows = list(session.scalars(stmt))
    for row in rows:
        (result.stamped if _attempt(row, signer, now) else result.pending).append(row)
        session.flush()
        _custody(session, row, None)
    if backfill and len(rows) < limit:
        for kind, obj in _unstamped(session, case_id, limit - len(rows)):
            row = stamp(session, kind, obj, None, now)
            (result.stamped if row.status == TimestampStatus.OK else result.pending).append(row)
    session.flush()
    return result


def timestamps_for(
    session: Session, kind: TimestampedKind, ids: Iterable[int]
) -> dict[int, Timestamp]:
    ids = list(ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(Timestamp).where(Timestamp.object_kind == kind, Timestamp.object_id.in_(ids))
    )
    return {r.object_id: r for r in rows}


def token_der(session: Session, kind: TimestampedKind, obj, what: str) -> bytes:
    """``obj``'s DER TimeStampResp (a .tsr for ``openssl ts -verify``); 404 while there is
    none yet (待补时间戳)."""
    row = timestamps_for(session, kind, [obj.id]).get(obj.id)
    if row is None or not row.token:
        missing = DomainError("no_timestamp", f"该{what}尚无时间戳（待补时间戳），请稍后再试")
        missing.status = 404
        raise missing
    return row.token_der


def check_token(row: Timestamp, sha256: str) -> str | None:
    """None when ``row`` holds a token that verifies offline over ``sha256`` (the object's
    registered hash) with its authority's certificates; else what is wrong, in words."""
    if row.status == TimestampStatus.PENDING or not row.token:
        return TimestampStatus.PENDING.label
    signer = internal_authority() if row.is_internal else authority()
    if not row.is_internal and signer.internal:
        return f"签发时间戳的服务（{row.authority}）现已不在配置中，无法验证"
    try:
        info = signer.verify(row.token_der, bytes.fromhex(sha256))
    except TokenInvalid as exc:
        return str(exc)
    if row.gen_time and abs((info.gen_time - row.gen_time).total_seconds()) > 1:
        return "时间戳中的时间与登记的时间不符"
    return None


@dataclass
class TimestampCheck:
    checked: int = 0
    problems: list[tuple[Timestamp, str]] = field(default_factory=list)
    pending: list[Timestamp] = field(default_factory=list)
    missing: list[tuple[str, object]] = field(default_factory=list)


def verify_timestamps(
    session: Session, case_id: int | None = None, record: bool = True
) -> TimestampCheck:
    """Every token verified offline against its object's registered SHA-256; a token that
    does not verify is marked 时间戳无效 (``record``), one that verifies again is OK again."""
    result = TimestampCheck()
    stmt = select(Timestamp).order_by(Timestamp.id)
    if case_id is not None:
        stmt = stmt.where(Timestamp.case_id == case_id)
    rows = list(session.scalars(stmt))
    objects: dict[tuple[str, int], object] = {}
    for kind, model in MODELS.items():
        ids = [r.object_id for r in rows if r.object_kind == kind]
        for obj in session.scalars(select(model).where(model.id.in_(ids))) if ids else ():
            objects[(kind, obj.id)] = obj
    for row in rows:
        obj = objects.get((row.object_kind, row.object_id))
        if row.status == TimestampStatus.PENDING:
            result.pending.append(row)
            continue
        result.checked += 1
        problem = "时间戳所属的对象不存在" if obj is None else check_token(row, obj.sha256)
        if problem:
            result.problems.append((row, problem))
        if record:
            row.status = TimestampStatus.FAILED if problem else TimestampStatus.OK
            row.last_error = problem
    result.missing = _unstamped(session, case_id, 1000)
    session.flush()
    return result


@dataclass
class ShownTimestamp:
    """A timestamp as a screen or a document shows it."""

    status: str  # TimestampStatus, after the offline check
    status_label: str
    gen_time: datetime | None
    authority: str  # 内部时间戳（非第三方） for the internal authority
    is_internal: bool
    problem: str | None  # why it is pending or invalid

    @property
    def ok(self) -> bool:
        return self.status == TimestampStatus.OK

    @property
    def text(self) -> str:
        """As a document prints it (the bundle's index, the evidence list): Beijing time and
        the authority, with the status unless it verified; 待补时间戳 when there is none."""
        from legalcase.services.clock import SHANGHAI

        if self.gen_time is None:
            return self.status_label
        text = f"北京时间 {self.gen_time.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S} {self.authority}"
        return text if self.ok else f"{text}，{self.status_label}"


def shown(row: Timestamp | None, sha256: str) -> ShownTimestamp:
    """``row`` verified offline over the object's registered ``sha256``, for display."""
    if row is None:
        return ShownTimestamp(
            TimestampStatus.PENDING,
            TimestampStatus.PENDING.label,
            None,
            "",
            False,
            "存入早于时间戳功能",
        )
    problem = check_token(row, sha256)
    if row.status == TimestampStatus.PENDING or not row.token:
        status = TimestampStatus.PENDING
        problem = row.last_error
    else:
        status = TimestampStatus.FAILED if problem else TimestampStatus.OK
    return ShownTimestamp(
        status, TimestampStatus(status).label, row.gen_time, label(row), row.is_internal, problem
    )


def shown_timestamps(session: Session, kind: TimestampedKind, objects: Iterable) -> dict:
    """Each object's id -> ShownTimestamp."""
    objects = list(objects)
    rows = timestamps_for(session, kind, [o.id for o in objects])
    return {o.id: shown(rows.get(o.id), o.sha256) for o in objects}
