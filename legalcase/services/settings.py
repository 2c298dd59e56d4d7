"""Settings administrators keep in the database: the law firm's profile and seal, the ladder.

What is stored wins; what is not falls back to the configuration (LEGALCASE_FIRM_*,
LEGALCASE_LADDER_DAYS), so a fresh installation works with no settings at all.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.ladder import RUNGS, rungs_from
from legalcase.domain.roles import Role, require_admin
from legalcase.models import FirmProfile, LadderRung, User
from storage import Storage, put_bytes_by_hash

from .audit import set_actor

FIRM_FIELDS = ("name", "code", "address", "phone", "lawyers")
SEAL_MAX_BYTES = 2 * 2**20
SEAL_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
# the seal's width on a letter, in millimetres (as the configured seal: context.seal_image)
SEAL_WIDTH_MM = 40
ASSIGNEES = {"owner": "案件负责人", "legal": "法务"}
MAX_RUNGS = 10


def _admin(session: Session, actor: User) -> None:
    require_admin(Role(actor.role))
    set_actor(session, actor.id)


# ---- the firm --------------------------------------------------------------------------


def firm_row(session: Session) -> FirmProfile | None:
    return session.scalar(select(FirmProfile).order_by(FirmProfile.id).limit(1))


def firm_profile(session: Session, config: Mapping) -> dict:
    """The firm as documents use it (``firm.name``, ``firm.code``, ``firm.address``,
    ``firm.phone``, ``firm.lawyers``): each stored value, else the configuration's."""
    row = firm_row(session)
    out = {}
    for name in FIRM_FIELDS:
        stored = getattr(row, name) if row is not None else None
        out[name] = stored or config.get(f"FIRM_{name.upper()}", "") or ""
    return out


def update_firm_profile(session: Session, actor: User, data: dict) -> FirmProfile:
    """Save the firm's profile; a field left blank falls back to the configuration."""
    _admin(session, actor)
    row = firm_row(session)
    if row is None:
        row = FirmProfile()
        session.add(row)
    for name in FIRM_FIELDS:
        if name in data:
            setattr(row, name, (data[name] or "").strip() or None)
    session.flush()
    return row


def _seal_type(data: bytes) -> str:
    """The image's content type if it is a whole PNG or JPEG; refused otherwise."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise ValidationFailed({"seal": "请选择印章图片（PNG 或 JPEG）"})
    if len(data) > SEAL_MAX_BYTES:
        raise ValidationFailed({"seal": f"印章图片不应超过 {SEAL_MAX_BYTES // 2**20} MB"})
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed({"seal": "不是可读取的 PNG 或 JPEG 图片"}) from None
    if kind not in SEAL_TYPES:
        raise ValidationFailed({"seal": f"印章图片应为 PNG 或 JPEG（收到 {kind}）"})
    if width < 50 or height < 50 or width > 5000 or height > 5000:
        raise ValidationFailed({"seal": "印章图片的尺寸应在 50 至 5000 像素之间"})
    return SEAL_TYPES[kind]


def store_seal(
    session: Session, storage: Storage, actor: User, data: bytes, tmp_dir: str
) -> FirmProfile:
    """Keep the firm's seal image (checked PNG/JPEG, at most 2 MB) under its SHA-256."""
    _admin(session, actor)
    content_type = _seal_type(data)
    sha, key = put_bytes_by_hash(storage, "firm/seal", data, tmp_dir, ".seal")
    row = firm_row(session)
    if row is None:
        row = FirmProfile()
        session.add(row)
    row.seal_key, row.seal_sha256, row.seal_content_type = key, sha, content_type
    session.flush()
    return row


def remove_seal(session: Session, actor: User) -> None:
    """Stop using the stored seal (the stored object stays: letters made with it remain)."""
    _admin(session, actor)
    row = firm_row(session)
    if row is not None and row.seal_key:
        row.seal_key = row.seal_sha256 = row.seal_content_type = None
        session.flush()


def seal_bytes(session: Session, storage: Storage) -> tuple[bytes, str] | None:
    """The stored seal image and its content type, or None."""
    row = firm_row(session)
    if row is None or not row.seal_key:
        return None
    fh = storage.open(row.seal_key)
    try:
        return fh.read(), row.seal_content_type or "image/png"
    finally:
        fh.close()


def firm_seal(session: Session, storage: Storage, config: Mapping) -> dict:
    """The ``firm_seal`` image for documents: the stored seal, else the configured one."""
    stored = seal_bytes(session, storage)
    if stored is not None:
        return {"firm_seal": (stored[0], SEAL_WIDTH_MM)}
    from .documents.context import seal_image

    return seal_image(dict(config))


# ---- the ladder ------------------------------------------------------------------------


def stored_rungs(session: Session) -> list[LadderRung]:
    return list(session.scalars(select(LadderRung).order_by(LadderRung.position)))


def ladder_rungs(session: Session, config_days: str | None) -> tuple:
    """The rungs ``run_ladder`` takes: the stored ones when set, else the configuration's
    (LEGALCASE_LADDER_DAYS over the defaults)."""
    rows = stored_rungs(session)
    if not rows:
        return rungs_from(config_days)
    return tuple((r.days, r.key, r.title, r.assignee, r.due_in_days) for r in rows)


def rung_key(position: int) -> str:
    """A rung's task reason key by its place: the defaults' keys first (overdue30, ...), so
    that open tasks of the configured ladder are recognised as rungs after a change."""
    return RUNGS[position][1] if position < len(RUNGS) else f"rung{position + 1}"


def _int(value, low: int, high: int, what: str) -> tuple[int | None, str | None]:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None, f"{what}应为整数"
    if not low <= number <= high:
        return None, f"{what}应在 {low} 至 {high} 之间"
    return number, None


def _checked_rungs(rows: list[dict]) -> list[dict]:
    errors: dict[str, str] = {}
    out = []
    if not rows:
        raise ValidationFailed({"rungs": "至少需要一级"})
    if len(rows) > MAX_RUNGS:
        raise ValidationFailed({"rungs": f"最多 {MAX_RUNGS} 级"})
    last = 0
    for i, row in enumerate(rows):
        days, problem = _int(row.get("days"), 1, 3650, "逾期天数")
        if problem:
            errors[f"rungs.{i}.days"] = problem
        elif days <= last:
            errors[f"rungs.{i}.days"] = "逾期天数应逐级递增"
        last = days or last
        title = (row.get("title") or "").strip()
        if not title:
            errors[f"rungs.{i}.title"] = "请填写任务标题"
        elif len(title) > 200:
            errors[f"rungs.{i}.title"] = "任务标题不超过 200 字"
        if row.get("assignee") not in ASSIGNEES:
            errors[f"rungs.{i}.assignee"] = "请选择负责人（案件负责人或法务）"
        due, problem = _int(row.get("due_in_days"), 0, 365, "完成期限")
        if problem:
            errors[f"rungs.{i}.due_in_days"] = problem
        out.append(
            {"days": days, "title": title, "assignee": row.get("assignee"), "due_in_days": due}
        )
    if errors:
        raise ValidationFailed(errors)
    return out


def save_rungs(session: Session, actor: User, rows: list[dict]) -> list[LadderRung]:
    """Store the ladder (rising days); from now on it replaces LEGALCASE_LADDER_DAYS. Rows
    are updated in place by position (each change audited), extra ones removed."""
    _admin(session, actor)
    wanted = _checked_rungs(rows)
    current = stored_rungs(session)
    for row in current[len(wanted) :]:
        session.delete(row)
    session.flush()
    out = []
    for i, data in enumerate(wanted):
        row = current[i] if i < len(current) else None
        if row is None:
            row = LadderRung(position=i, key=rung_key(i))
            session.add(row)
        for name, value in data.items():
            setattr(row, name, value)
        out.append(row)
    session.flush()
    return out


def reset_rungs(session: Session, actor: User) -> int:
    """Forget the stored ladder: the configuration's applies again. Returns rows removed."""
    _admin(session, actor)
    rows = stored_rungs(session)
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
