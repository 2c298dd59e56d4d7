"""Storage reconciliation: the rows and the store must agree.

Every object a row knows is re-hashed (``verify``); every object in the store that no row
knows is an orphan (a request killed after storing and before its commit leaves one);
temporary files of dead requests, or older than an hour, are strays. Orphans may be
removed (``remove_orphans``), but only safely: under a case's prefix, older than an hour,
still unknown to every row after the case was locked against writers, and each removal is
a custody record of the case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from legalcase.models import Case
from legalcase.models.base import utcnow
from storage import ObjectInfo, Storage, StorageError
from storage.tempfiles import MAX_AGE, StrayFile, stray_temp_files

from ..uow import lock_cases
from .custody import custody
from .verify import OtherObjects, VerifyResult, is_known, known_keys, verify, verify_other_objects

# Download artefacts that no row records by design (a batch's zip of letters, rebuilt on demand).
UNRECORDED_PREFIXES = ("batches/",)
_CASE_KEY = re.compile(r"cases/(\d+)/[^/]")


@dataclass
class Orphan:
    info: ObjectInfo
    young: bool  # stored less than an hour ago: may belong to a request still running
    removed: bool = False
    kept_because: str | None = None  # why --remove-orphans left it


@dataclass
class Reconciliation:
    evidence: VerifyResult
    others: OtherObjects
    orphans: list[Orphan] = field(default_factory=list)
    temp_files: list[StrayFile] = field(default_factory=list)
    part_files: list[StrayFile] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        return (
            len(self.evidence.problems)
            + len(self.others.problems)
            + sum(1 for o in self.orphans if not o.removed)
            + len(self.temp_files)
            + len(self.part_files)
        )


def find_orphans(
    session: Session, storage: Storage, prefix: str = "", now: datetime | None = None
) -> list[Orphan]:
    """Objects under ``prefix`` that no row knows. The store is listed before the rows are
    read, so an upload that commits meanwhile is not taken for an orphan."""
    now = now or utcnow()
    listed = [o for o in storage.list_keys(prefix) if not o.key.startswith(UNRECORDED_PREFIXES)]
    known = known_keys(session)
    return [
        Orphan(o, young=o.modified is None or now - o.modified <= MAX_AGE)
        for o in listed
        if o.key not in known
    ]


def reconcile(
    session: Session,
    storage: Storage,
    *,
    case_id: int | None = None,
    actor_id: int | None = None,
    tmp_dir: str | Path | None = None,
    remove_orphans: bool = False,
    now: datetime | None = None,
) -> Reconciliation:
    """Re-hash what the rows know, list what they do not; with ``case_id`` only that case's
    objects (no templates, no temporary files)."""
    now = now or utcnow()
    prefix = f"cases/{case_id}/" if case_id is not None else ""
    orphans = find_orphans(session, storage, prefix, now)  # listed first: see find_orphans
    result = Reconciliation(
        verify(session, storage, case_id, actor_id, now),
        verify_other_objects(session, storage, case_id, actor_id, now),
        orphans,
    )
    if case_id is None:
        if tmp_dir is not None:
            result.temp_files = stray_temp_files(tmp_dir, now)
        result.part_files = storage.stray_parts(now)
    if remove_orphans:
        session.flush()
        for orphan in orphans:
            _remove(session, storage, orphan, actor_id, now)
    return result


def _remove(
    session: Session, storage: Storage, orphan: Orphan, actor_id: int | None, now: datetime
) -> None:
    key = orphan.info.key
    match = _CASE_KEY.match(key)
    if orphan.young:
        orphan.kept_because = "存入不足一小时，可能属于仍在进行的请求"
        return
    if not match:
        orphan.kept_because = "不在案件目录下，只清理案件目录下的对象"
        return
    case_id = int(match.group(1))
    if session.get(Case, case_id) is None:
        orphan.kept_because = f"案件 {case_id} 不存在"
        return
    lock_cases(session, [case_id])  # no writer of this case is between storing and committing
    if is_known(session, key):
        orphan.kept_because = "已有记录引用（刚提交）"
        return
    info = storage.stat(key)
    if info is None:
        orphan.removed = True
        return
    if info.modified is None or now - info.modified <= MAX_AGE:
        orphan.kept_because = "存入不足一小时，可能属于仍在进行的请求"
        return
    try:
        storage.discard(key)
    except StorageError as exc:  # e.g. under legal hold
        orphan.kept_because = f"无法删除：{exc}"
        return
    orphan.removed = True
    custody(session, case_id, "orphan_removed", actor_id, key=key, size=info.size)
    session.flush()
