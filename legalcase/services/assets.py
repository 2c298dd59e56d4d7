"""The asset register (issue 17 point 5): a debtor party's assets and leads, their freezes,
and what enforcement brought.

One truth per fact: a freeze IS a preservation court event (``court.add_court_event``), which
the deadline engine reads for the freeze-expiry and renewal deadlines; the register keeps the
asset and the frozen amount beside it. Money received in enforcement is a payment of the case
(``receivables.record_payment``), so the one amount owed follows; the ruling ending
enforcement is an ``enforcement_terminated`` court event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from legalcase.domain.deadlines.preservation import FREEZE_ASSET
from legalcase.domain.errors import ValidationFailed
from legalcase.domain.money import format_money
from legalcase.domain.stages import BEFORE_SUIT, Stage
from legalcase.domain.values import (
    ASSET_LEAD_KINDS,
    ENFORCEMENT_OUTCOME_KINDS,
    CourtEventKind,
    EnforcementOutcomeKind,
)
from legalcase.models import (
    Asset,
    AssetFreeze,
    Case,
    CaseDeadline,
    CourtEvent,
    EnforcementOutcome,
    EvidenceItem,
    Party,
    User,
)
from legalcase.models.cases import ContractGuarantee

from . import court as court_svc
from . import receivables as receivables_svc
from .clock import today as clock_today
from .common import apply, begin_case_write

ASSET_FIELDS = (
    "party_id",
    "kind",
    "description",
    "identifier",
    "location",
    "estimated_value",
    "source",
    "found_date",
    "note",
)


def case_parties(session: Session, case: Case) -> list[Party]:
    """The debtor, then the guarantors of the case's contracts (each once)."""
    stmt = (
        select(Party)
        .join(ContractGuarantee, ContractGuarantee.party_id == Party.id)
        .where(ContractGuarantee.case_id == case.id, ContractGuarantee.ended_at.is_(None))
        .order_by(ContractGuarantee.id)
    )
    found = [case.debtor, *session.scalars(stmt)]
    return list({p.id: p for p in found}.values())


def _check_asset(session: Session, case: Case, data: dict, today: date) -> None:
    errors = {}
    if "party_id" in data and data["party_id"] not in {p.id for p in case_parties(session, case)}:
        errors["party_id"] = "请选择本案的债务人或保证人"
    if "kind" in data and data["kind"] not in ASSET_LEAD_KINDS:
        errors["kind"] = "请选择列表中的一项"
    if data.get("found_date") and data["found_date"] > today:
        errors["found_date"] = "发现日期不能晚于今天"
    if errors:
        raise ValidationFailed(errors)


def add_asset(
    session: Session, actor: User, case: Case, data: dict, today: date | None = None
) -> Asset:
    begin_case_write(session, actor, case)
    data = {k: v for k, v in data.items() if k in ASSET_FIELDS}
    _check_asset(session, case, data, today or clock_today())
    asset = Asset(case_id=case.id, user_id=actor.id, **data)
    session.add(asset)
    session.flush()
    return asset


def update_asset(
    session: Session, actor: User, asset: Asset, data: dict, today: date | None = None
) -> Asset:
    case = session.get(Case, asset.case_id)
    begin_case_write(session, actor, case)
    data = {k: v for k, v in data.items() if k in ASSET_FIELDS}
    _check_asset(session, case, data, today or clock_today())
    apply(asset, data)
    session.flush()
    return asset


FREEZE_FIELDS = ("event_date", "expires_date", "court_name", "document_number", "is_pre_suit")


def _freeze_event(asset: Asset, data: dict) -> dict:
    event = {k: data[k] for k in FREEZE_FIELDS if k in data}
    event["kind"] = CourtEventKind.PRESERVATION.value
    event["asset_kind"] = FREEZE_ASSET[asset.kind]
    event["note"] = f"财产登记：{ASSET_LEAD_KINDS[asset.kind]} {asset.description}"[:2000]
    return event


def record_freeze(
    session: Session, actor: User, asset: Asset, data: dict, today: date | None = None
) -> AssetFreeze:
    """A preservation of ``asset``: its court event (dates, court, ruling; the deadlines
    follow) and the frozen amount."""
    case = session.get(Case, asset.case_id)
    begin_case_write(session, actor, case)
    errors = {}
    if not data.get("court_name"):
        errors["court_name"] = "请填写采取保全措施的法院"
    if not data.get("document_number"):
        errors["document_number"] = "请填写保全裁定书文号"
    if errors:
        raise ValidationFailed(errors)
    data = dict(data)
    if data.get("is_pre_suit") is None:  # not said: before suit, a preservation is pre-suit
        data["is_pre_suit"] = Stage(case.stage) in BEFORE_SUIT
    event = court_svc.add_court_event(session, actor, case, _freeze_event(asset, data), today)
    freeze = AssetFreeze(
        case_id=case.id,
        asset_id=asset.id,
        court_event_id=event.id,
        frozen_amount=data.get("frozen_amount"),
    )
    session.add(freeze)
    session.flush()
    return freeze


def update_freeze(
    session: Session, actor: User, freeze: AssetFreeze, data: dict, today: date | None = None
) -> AssetFreeze:
    """Correct or renew a freeze (a renewal ruling: its number and the new expiry)."""
    event = session.get(CourtEvent, freeze.court_event_id)
    changes = _freeze_event(freeze.asset, data)
    changes.pop("kind")
    if changes.get("is_pre_suit", False) is None:  # not said: left as it was
        del changes["is_pre_suit"]
    court_svc.update_court_event(session, actor, event, changes, today)
    if "frozen_amount" in data:
        freeze.frozen_amount = data["frozen_amount"]
    session.flush()
    return freeze


OUTCOME_FIELDS = (
    "party_id",
    "kind",
    "outcome_date",
    "end_date",
    "amount",
    "asset_id",
    "court_name",
    "document_number",
    "note",
)


def _check_outcome(session: Session, case: Case, data: dict, today: date) -> None:
    errors = {}
    if data["party_id"] not in {p.id for p in case_parties(session, case)}:
        errors["party_id"] = "请选择本案的债务人或保证人"
    kind = data["kind"]
    if kind not in ENFORCEMENT_OUTCOME_KINDS:
        errors["kind"] = "请选择列表中的一项"
    if data["outcome_date"] > today:
        errors["outcome_date"] = "日期不能晚于今天"
    if kind == EnforcementOutcomeKind.RECEIVED:
        if not data.get("amount"):
            errors["amount"] = "执行到款须填写金额"
    elif data.get("amount") is not None:
        errors["amount"] = "只有执行到款需要填写金额"
    if data.get("end_date") is not None:
        if kind not in (EnforcementOutcomeKind.DISHONEST, EnforcementOutcomeKind.HIGH_CONSUMPTION):
            errors["end_date"] = "只有失信名单和限制高消费有解除日期"
        elif data["end_date"] < data["outcome_date"]:
            errors["end_date"] = "解除日期不能早于决定日期"
    if kind == EnforcementOutcomeKind.TERMINATED and not data.get("document_number"):
        errors["document_number"] = "请填写终结本次执行程序裁定书文号"
    asset_id = data.get("asset_id")
    if asset_id is not None:
        asset = session.get(Asset, asset_id)
        if asset is None or asset.case_id != case.id:
            errors["asset_id"] = "财产不属于本案"
    if errors:
        raise ValidationFailed(errors)


def record_outcome(
    session: Session, actor: User, case: Case, data: dict, today: date | None = None
) -> EnforcementOutcome:
    """An enforcement outcome; money received is recorded as a payment of the case and the
    ruling ending enforcement as its court event, so the amount owed and the deadlines follow."""
    begin_case_write(session, actor, case)
    today = today or clock_today()
    data = {k: v for k, v in data.items() if k in OUTCOME_FIELDS}
    _check_outcome(session, case, data, today)
    row = EnforcementOutcome(case_id=case.id, user_id=actor.id, **data)
    kind = data["kind"]
    if kind == EnforcementOutcomeKind.RECEIVED:
        where = data.get("court_name") or "法院"
        payment = receivables_svc.record_payment(
            session,
            actor,
            case,
            {
                "paid_date": data["outcome_date"],
                "amount": data["amount"],
                "method": "other",
                "reference": (data.get("document_number") or "")[:100] or None,
                "note": f"强制执行到款（{where}）",
            },
            today,
        )
        row.payment_id = payment.id
    elif kind == EnforcementOutcomeKind.TERMINATED:
        event = court_svc.add_court_event(
            session,
            actor,
            case,
            {
                "kind": CourtEventKind.ENFORCEMENT_TERMINATED.value,
                "event_date": data["outcome_date"],
                "court_name": data.get("court_name"),
                "document_number": data.get("document_number"),
                "note": "终结本次执行程序裁定（财产登记）",
            },
            today,
        )
        row.court_event_id = event.id
    session.add(row)
    session.flush()
    return row


# ---- reading ------------------------------------------------------------------------


@dataclass
class FreezeView:
    freeze: AssetFreeze
    event: CourtEvent
    deadlines: list[CaseDeadline]


@dataclass
class AssetView:
    asset: Asset
    freezes: list[FreezeView] = field(default_factory=list)


@dataclass
class PartyRegister:
    party: Party
    role: str
    assets: list[AssetView] = field(default_factory=list)
    outcomes: list[EnforcementOutcome] = field(default_factory=list)


def register(session: Session, case: Case) -> list[PartyRegister]:
    """The register by party: assets with their freezes (court event and its deadlines) and
    the enforcement outcomes."""
    parties = case_parties(session, case)
    out = {
        p.id: PartyRegister(p, "债务人" if p.id == case.debtor_id else "保证人") for p in parties
    }
    assets = session.scalars(
        select(Asset)
        .where(Asset.case_id == case.id)
        .order_by(Asset.id)
        .options(selectinload(Asset.freezes).selectinload(AssetFreeze.court_event))
    )
    keys = {}
    views = []
    for a in assets:
        view = AssetView(a)
        for f in a.freezes:
            fv = FreezeView(f, f.court_event, [])
            keys[f"court_event:{f.court_event_id}"] = fv
            view.freezes.append(fv)
        views.append(view)
        if a.party_id not in out:  # a guarantor no longer on the case keeps its assets shown
            out[a.party_id] = PartyRegister(a.party, "原保证人")
        out[a.party_id].assets.append(view)
    if keys:
        for d in session.scalars(
            select(CaseDeadline)
            .where(
                CaseDeadline.case_id == case.id,
                CaseDeadline.source_key.in_(list(keys)),
                CaseDeadline.is_active.is_(True),
            )
            .order_by(CaseDeadline.due_date)
        ):
            keys[d.source_key].deadlines.append(d)
    for row in session.scalars(
        select(EnforcementOutcome)
        .where(EnforcementOutcome.case_id == case.id)
        .order_by(EnforcementOutcome.outcome_date, EnforcementOutcome.id)
    ):
        if row.party_id not in out:
            out[row.party_id] = PartyRegister(row.party, "原保证人")
        out[row.party_id].outcomes.append(row)
    return list(out.values())


def clue_text(asset: Asset, frozen: list[tuple[AssetFreeze, CourtEvent]] = ()) -> str:
    """One asset as a property clue in an application (财产线索)."""
    parts = [f"{ASSET_LEAD_KINDS.get(asset.kind, asset.kind)}：{asset.description}"]
    if asset.identifier:
        parts.append(f"（{asset.identifier}）")
    if asset.location:
        parts.append(f"，位于{asset.location}")
    if asset.estimated_value is not None:
        parts.append(f"，估值约{format_money(asset.estimated_value, 'CNY')}")
    for f, e in frozen:
        amount = f"，冻结金额{format_money(f.frozen_amount, 'CNY')}" if f.frozen_amount else ""
        until = f"至{e.expires_date}" if e.expires_date else ""
        parts.append(
            f"；已由{e.court_name or ''}以{e.document_number or ''}保全{amount}"
            + (f"（自{e.event_date}起{until}）" if e.event_date else "")
        )
    parts.append(f"（线索来源：{asset.source}，{asset.found_date}）")
    return "".join(parts)


def property_clues(session: Session, case: Case) -> list[dict]:
    """The property clues the preservation and enforcement applications list: the register's
    assets of the debtor side, then asset-lead evidence items not already in it."""
    assets = list(
        session.scalars(
            select(Asset)
            .where(Asset.case_id == case.id)
            .order_by(Asset.id)
            .options(selectinload(Asset.freezes).selectinload(AssetFreeze.court_event))
        )
    )
    out = [
        {
            "description": (
                ("" if a.party_id == case.debtor_id else f"{a.party.name}名下")
                + clue_text(a, [(f, f.court_event) for f in a.freezes])
            )
        }
        for a in assets
    ]
    for title in session.scalars(
        select(EvidenceItem.title)
        .where(
            EvidenceItem.case_id == case.id,
            EvidenceItem.kind == "asset_lead",
            EvidenceItem.status == "active",
        )
        .order_by(EvidenceItem.id)
    ):
        if not any(a.description and a.description in title for a in assets):
            out.append({"description": title})
    return out
