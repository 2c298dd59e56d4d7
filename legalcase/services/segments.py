"""Risk segments: which cases each takes (score band, creditor, amount owed) and the cadence
they follow (ladder days, channels, letter template). The ladder (``ladder.run_ladder``)
gives a case in a segment the segment's rung days instead of the common ones."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalcase.domain.errors import ValidationFailed
from legalcase.domain.roles import Role, require_admin
from legalcase.domain.values import CHANNELS
from legalcase.models import Case, Creditor, User
from legalcase.models.propensity import RiskSegment

from .audit import set_actor

MAX_SEGMENTS = 12
FIELDS = (
    "name",
    "min_score",
    "max_score",
    "creditor_id",
    "min_owed",
    "max_owed",
    "ladder_days",
    "channels",
    "letter_template",
)


@dataclass(frozen=True)
class Cadence:
    """A segment as the ladder and the worklist use it."""

    id: int
    name: str
    min_score: int
    max_score: int
    creditor_id: int | None
    min_owed: Decimal | None
    max_owed: Decimal | None
    days: tuple[int, ...]
    channels: tuple[str, ...]
    letter_template: str | None

    def takes(self, probability: float | None, creditor_id: int, owed: Decimal) -> bool:
        if self.creditor_id is not None and self.creditor_id != creditor_id:
            return False
        if self.min_owed is not None and owed < self.min_owed:
            return False
        if self.max_owed is not None and owed >= self.max_owed:
            return False
        if self.min_score > 0 or self.max_score <= 100:
            if probability is None:
                return False
            return self.min_score <= probability * 100 < self.max_score
        return True

    @property
    def needs_score(self) -> bool:
        return self.min_score > 0 or self.max_score <= 100

    @property
    def channel_labels(self) -> str:
        return "、".join(CHANNELS.get(c, c) for c in self.channels)


def segments(session: Session) -> list[Cadence]:
    return [
        Cadence(
            s.id,
            s.name,
            s.min_score,
            s.max_score,
            s.creditor_id,
            s.min_owed,
            s.max_owed,
            tuple(int(d) for d in s.ladder_days.split(",") if d.strip()),
            tuple(c for c in s.channels.split(",") if c),
            s.letter_template,
        )
        for s in session.scalars(select(RiskSegment).order_by(RiskSegment.position))
    ]


def segment_of(
    cadences: Sequence[Cadence], probability: float | None, creditor_id: int, owed: Decimal
) -> Cadence | None:
    """The first segment (by position) that takes the case, or None (the common cadence)."""
    return next((c for c in cadences if c.takes(probability, creditor_id, owed)), None)


def cadence_rungs(base: tuple, days: Sequence[int], note: str = "") -> tuple:
    """The ladder with the segment's days: rung i keeps the common rung i's key, task and
    assignee (the last one's for rungs beyond them) with its day count (and the title's
    "逾期N天") replaced; ``note`` (the segment's channels and letter) ends each title."""
    out = []
    for i, d in enumerate(days):
        old, key, title, who, due = base[min(i, len(base) - 1)]
        if i >= len(base):
            key = f"rung{i + 1}"
        out.append((d, key, re.sub(r"逾期\d+天", f"逾期{d}天", title) + note, who, due))
    return tuple(out)


def cadence_note(seg: Cadence) -> str:
    """ "（重点客户：电话、上门拜访；函件：律师函）": how the segment's cases are chased."""
    from docgen.fields import DOCUMENTS

    letter = DOCUMENTS.get(seg.letter_template or "", {}).get("title")
    return f"（{seg.name}：{seg.channel_labels}" + (f"；函件：{letter}" if letter else "") + "）"


def case_rungs(session: Session, cases: Iterable[Case], base: tuple, today: date) -> dict:
    """Case id -> its rungs, for the cases a segment with ladder days takes."""
    cadences = [c for c in segments(session) if c.days]
    if not cadences:
        return {}
    cases = list(cases)
    scores = {}
    if any(c.needs_score for c in cadences):
        from .propensity import score_cases

        scores = score_cases(session, [c.id for c in cases], today)
    out = {}
    for case in cases:
        p = scores[case.id].probability if case.id in scores else None
        seg = segment_of(cadences, p, case.creditor_id, case.outstanding_amount)
        if seg is not None:
            out[case.id] = cadence_rungs(base, seg.days, cadence_note(seg))
    return out


# ---- the settings screen -----------------------------------------------------------------


def _int(value, low, high, what, errors, key):
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,6}", text) or not low <= int(text) <= high:
        errors[key] = f"{what}应为 {low} 至 {high} 之间的整数"
        return None
    return int(text)


def _money(value, what, errors, key) -> Decimal | None:
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors[key] = f"{what}应为金额"
        return None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e12"):
        errors[key] = f"{what}应为 0 至 1 万亿之间的金额"
        return None
    return amount.quantize(Decimal("0.01"))


def _checked(session: Session, rows: list[dict], letters: dict) -> list[dict]:
    if len(rows) > MAX_SEGMENTS:
        raise ValidationFailed({"segments": f"最多 {MAX_SEGMENTS} 个分层"})
    errors: dict[str, str] = {}
    creditors = set(session.scalars(select(Creditor.id)))
    out = []
    for i, row in enumerate(rows):
        key = f"segments.{i}."
        name = (row.get("name") or "").strip()
        if not name or len(name) > 100:
            errors[key + "name"] = "请填写分层名称（不超过 100 字）"
        low = _int(row.get("min_score"), 0, 100, "评分下限", errors, key + "min_score") or 0
        high = _int(row.get("max_score"), 1, 101, "评分上限", errors, key + "max_score")
        high = 101 if high is None else high
        if low >= high:
            errors[key + "max_score"] = "评分上限应大于下限"
        creditor = _int(
            row.get("creditor_id"), 1, 2**31 - 1, "债权主体", errors, key + "creditor_id"
        )
        if creditor is not None and creditor not in creditors:
            errors[key + "creditor_id"] = "债权主体不存在"
        min_owed = _money(row.get("min_owed"), "欠款下限", errors, key + "min_owed")
        max_owed = _money(row.get("max_owed"), "欠款上限", errors, key + "max_owed")
        if min_owed is not None and max_owed is not None and min_owed >= max_owed:
            errors[key + "max_owed"] = "欠款上限应大于下限"
        days_text = (row.get("ladder_days") or "").replace("，", ",").replace(" ", "")
        days = [d for d in days_text.split(",") if d]
        if not days or not all(d.isdigit() and 1 <= int(d) <= 3650 for d in days):
            errors[key + "ladder_days"] = "催收阶梯天数应为逗号分隔的整数，如 15,45,75"
        elif [int(d) for d in days] != sorted({int(d) for d in days}) or len(days) > 10:
            errors[key + "ladder_days"] = "催收阶梯天数应逐级递增（最多 10 级）"
        channels = row.get("channels") or []
        if isinstance(channels, str):
            channels = [c for c in channels.split(",") if c]
        if not channels or any(c not in CHANNELS for c in channels):
            errors[key + "channels"] = "请选择至少一种催收渠道"
        letter = (row.get("letter_template") or "").strip() or None
        if letter is not None and letter not in letters:
            errors[key + "letter_template"] = "请选择文书模板"
        out.append(
            {
                "name": name,
                "min_score": low,
                "max_score": high,
                "creditor_id": creditor,
                "min_owed": min_owed,
                "max_owed": max_owed,
                "ladder_days": ",".join(str(int(d)) for d in days),
                "channels": ",".join(c for c in CHANNELS if c in channels),
                "letter_template": letter,
            }
        )
    if errors:
        raise ValidationFailed(errors)
    return out


def save_segments(
    session: Session, actor: User, rows: list[dict], letters: dict
) -> list[RiskSegment]:
    """Store the segments in order (admins only); rows updated in place by position, each
    change audited; extra ones removed. Nothing is written when a row is wrong."""
    require_admin(Role(actor.role))
    set_actor(session, actor.id)
    wanted = _checked(session, rows, letters)
    current = list(session.scalars(select(RiskSegment).order_by(RiskSegment.position)))
    for row in current[len(wanted) :]:
        session.delete(row)
    session.flush()
    out = []
    for i, data in enumerate(wanted):
        row = current[i] if i < len(current) else None
        if row is None:
            row = RiskSegment(position=i)
            session.add(row)
        for name, value in data.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        out.append(row)
    session.flush()
    return out
