"""Read models for the screens and the API: each loads what a page needs in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session, joinedload

from legalcase.domain.aging import days_overdue, tier_for
from legalcase.domain.promises import PromiseStatus
from legalcase.models import (
    AuditEntry,
    Case,
    CaseDeadline,
    Contact,
    Contract,
    CourtEvent,
    Creditor,
    GeneratedDocument,
    LedgerEntry,
    Party,
    Payment,
    PaymentAllocation,
    Promise,
    Receivable,
    StageChange,
    Task,
    User,
)
from legalcase.models.cases import ContractGuarantee

from .common import get_or_404
from .next_deadline import acts_on, acts_on_expr, days_left, is_open_expr, next_of


@dataclass
class CasePage:
    case: Case
    contacts: list[Contact]
    contracts: list[Contract]
    receivables: list[Receivable]
    payments: list[Payment]
    ledger: list[Row]
    promises: list[Promise]
    stage_changes: list[StageChange]
    audit: list[AuditEntry]
    today: date
    deadlines: list[CaseDeadline] = field(default_factory=list)
    court_events: list[CourtEvent] = field(default_factory=list)
    tasks: list = field(default_factory=list)
    # which of the later panels' tables (services.case_panels.PANELS) the case has rows in
    has: dict[str, bool] = field(default_factory=dict)
    days_overdue: int = field(init=False)
    promises_by_entry: dict[int, list[Promise]] = field(init=False)

    def __post_init__(self) -> None:
        self.days_overdue = days_overdue(self.case.oldest_unpaid_due_date, self.today)
        self.promises_by_entry = {}
        for p in self.promises:
            if p.ledger_entry_id is not None:
                self.promises_by_entry.setdefault(p.ledger_entry_id, []).append(p)

    @property
    def tier(self):
        return tier_for(self.days_overdue)

    @property
    def next_deadline(self) -> CaseDeadline | None:
        """The earliest open deadline, passed or not: a passed one stays until it is handled."""
        return next_of(self.deadlines)

    def days_left(self, d: CaseDeadline) -> int:
        """Days until ``d`` acts (the earlier date while provisional); negative once passed."""
        return days_left(d, self.today)

    def acts_on(self, d: CaseDeadline) -> date | None:
        return acts_on(d)

    def status_of(self, d: CaseDeadline) -> str:
        if d.status == "running" and d.due_date and d.due_date < self.today:
            return "expired"
        return d.status


def case_page(session: Session, case_id: int, today: date, audit_limit: int = 200) -> CasePage:
    from .case_panels import flag_columns, flags_of  # here: case_panels -> plans -> ...

    row = session.execute(  # the case, and which of the later panels' tables it has rows in
        select(Case, *flag_columns(case_id))
        .where(Case.id == case_id)
        .options(
            joinedload(Case.debtor).joinedload(Party.contacts),  # ordered by id
            joinedload(Case.owner),
            joinedload(Case.creditor),
        )
    )
    row = row.unique().one_or_none()
    if row is None:
        get_or_404(session, Case, case_id, "案件")
    case, has = row[0], flags_of(row[1:])
    contacts = list(case.debtor.contacts)
    contracts = list(
        session.scalars(
            select(Contract)
            .where(Contract.case_id == case_id)
            .options(joinedload(Contract.guarantees).joinedload(ContractGuarantee.party))
            .order_by(Contract.id)
        ).unique()
    )
    receivables = list(
        session.scalars(
            select(Receivable)
            .where(Receivable.case_id == case_id)
            .options(joinedload(Receivable.instalments), joinedload(Receivable.contract))
            .order_by(Receivable.due_date, Receivable.id)
        ).unique()
    )
    payments = list(
        session.scalars(
            select(Payment)
            .where(Payment.case_id == case_id)
            .options(
                joinedload(Payment.allocations).joinedload(PaymentAllocation.receivable),
                joinedload(Payment.recorded_by),
            )
            .order_by(Payment.paid_date.desc(), Payment.id.desc())
        ).unique()
    )
    # Plain rows, not ORM objects: a case may have hundreds of entries.
    ledger = list(
        session.execute(
            select(
                LedgerEntry.id,
                LedgerEntry.contacted_at,
                LedgerEntry.channel,
                LedgerEntry.contact_id,
                LedgerEntry.person_reached,
                LedgerEntry.summary,
                LedgerEntry.outcome,
                LedgerEntry.non_payment_reason,
                LedgerEntry.legal_effect,
                LedgerEntry.addressee,
                LedgerEntry.arrival_date,
                LedgerEntry.next_follow_up,
                User.username,
                User.display_name.label("user_name"),
                Contact.name.label("contact_name"),
            )
            .join(User, User.id == LedgerEntry.user_id)
            .outerjoin(Contact, Contact.id == LedgerEntry.contact_id)
            .where(LedgerEntry.case_id == case_id)
            .order_by(LedgerEntry.contacted_at.desc(), LedgerEntry.id.desc())
        )
    )
    promises = list(
        session.scalars(
            select(Promise).where(Promise.case_id == case_id).order_by(Promise.due_date.desc())
        )
    )
    changes = list(
        session.scalars(
            select(StageChange)
            .where(StageChange.case_id == case_id)
            .options(joinedload(StageChange.user))
            .order_by(StageChange.changed_at, StageChange.id)
        )
    )
    audit = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.case_id == case_id)
            .options(joinedload(AuditEntry.user))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(audit_limit)
        )
    )
    deadlines = list(
        session.scalars(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == case_id)
            .options(joinedload(CaseDeadline.handled_by))
            .order_by(
                CaseDeadline.is_active.desc(),
                CaseDeadline.due_date.asc().nulls_first(),
                CaseDeadline.id,
            )
        )
    )
    court_events = list(
        session.scalars(
            select(CourtEvent).where(CourtEvent.case_id == case_id).order_by(CourtEvent.id)
        )
    )
    tasks = list(
        session.scalars(
            select(Task)
            .where(Task.case_id == case_id)
            .options(joinedload(Task.assignee))
            .order_by(Task.is_done, Task.due_date, Task.id)
        )
    )
    return CasePage(
        case,
        contacts,
        contracts,
        receivables,
        payments,
        ledger,
        promises,
        changes,
        audit,
        today,
        deadlines,
        court_events,
        tasks,
        has,
    )


@dataclass
class Dashboard:
    my_cases: list[Case]
    promises_due: list[Promise]
    broken_promises: list[Promise]
    # My open deadlines that passed unhandled or act within 7 days, passed ones first.
    deadlines: list[CaseDeadline] = field(default_factory=list)

    def acts_on(self, d: CaseDeadline) -> date | None:
        return acts_on(d)


def dashboard(session: Session, user: User, today: date) -> Dashboard:
    mine = list(
        session.scalars(
            select(Case)
            .where(Case.owner_id == user.id, Case.outstanding_amount > 0)
            .options(joinedload(Case.debtor))
            .order_by(Case.oldest_unpaid_due_date.asc().nulls_last(), Case.id)
            .limit(20)
        )
    )
    base = select(Promise).join(Case, Case.id == Promise.case_id).where(Case.owner_id == user.id)
    due = list(
        session.scalars(
            base.where(
                Promise.status == PromiseStatus.OPEN.value,
                Promise.due_date >= today,
                Promise.due_date <= today + timedelta(days=7),
            ).order_by(Promise.due_date)
        )
    )
    broken = list(
        session.scalars(
            base.where(
                or_(
                    Promise.status.in_(
                        (PromiseStatus.BROKEN.value, PromiseStatus.PARTLY_KEPT.value)
                    ),
                    (Promise.status == PromiseStatus.OPEN.value) & (Promise.due_date < today),
                ),
                Promise.due_date >= today - timedelta(days=30),
            ).order_by(Promise.due_date.desc())
        )
    )
    day = acts_on_expr()
    deadlines = list(
        session.scalars(
            select(CaseDeadline)
            .join(Case, Case.id == CaseDeadline.case_id)
            .where(Case.owner_id == user.id, is_open_expr(), day <= today + timedelta(days=7))
            .options(joinedload(CaseDeadline.case))
            .order_by(day, CaseDeadline.case_id, CaseDeadline.id)
            .limit(50)
        )
    )
    return Dashboard(mine, due, broken, deadlines)


def case_titles(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Case.id, Case.title).where(Case.id.in_(ids)))
    return dict(rows.all())


def choices_creditors(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Creditor.id, Creditor.name).order_by(Creditor.name)).all())


def choices_users(session: Session, writers_only: bool = True) -> dict[int, str]:
    stmt = (
        select(User.id, User.display_name)
        .where(User.is_active.is_(True))
        .order_by(User.display_name)
    )
    if writers_only:
        stmt = stmt.where(User.role != "viewer")
    return dict(session.execute(stmt).all())


def choices_parties(
    session: Session, include: list[int | None] = (), limit: int = 500
) -> dict[int, str]:
    """The most recent parties, plus any named in ``include`` (e.g. the current choice)."""
    rows = dict(
        session.execute(select(Party.id, Party.name).order_by(Party.id.desc()).limit(limit)).all()
    )
    extra = [i for i in include if i and i not in rows]
    if extra:
        rows.update(
            dict(session.execute(select(Party.id, Party.name).where(Party.id.in_(extra))).all())
        )
    return rows


def find_parties(session: Session, q: str | None = None, limit: int = 100) -> list[Party]:
    """The newest parties, or those whose name contains ``q`` or whose ID code is ``q``."""
    stmt = select(Party).order_by(Party.id.desc()).limit(limit)
    if q:
        stmt = stmt.where(or_(Party.name.like(f"%{q}%"), Party.id_code == q))
    return list(session.scalars(stmt))


def case_documents(session: Session, case_id: int) -> list[GeneratedDocument]:
    """Documents generated for the case, oldest first."""
    return list(
        session.scalars(
            select(GeneratedDocument)
            .where(GeneratedDocument.case_id == case_id)
            .order_by(GeneratedDocument.id)
        )
    )


@dataclass(frozen=True)
class Guaranteed:
    """One contract a party guarantees, as its page lists it."""

    guarantee: ContractGuarantee
    contract: Contract
    case: Case
    deadline: CaseDeadline | None  # the guarantee period of this guarantor on this contract


def guarantees_of_party(session: Session, party_id: int) -> list[Guaranteed]:
    """The contracts ``party_id`` guarantees (in force), newest case first, each with its case,
    creditor and the stored guarantee-period deadline; the amount owed is the case's stored
    ``outstanding_amount`` (services.balances), the header's one figure."""
    rows = session.execute(
        select(ContractGuarantee, Contract, Case)
        .join(Contract, Contract.id == ContractGuarantee.contract_id)
        .join(Case, Case.id == ContractGuarantee.case_id)
        .where(ContractGuarantee.party_id == party_id, ContractGuarantee.ended_at.is_(None))
        .options(joinedload(Case.creditor))
        .order_by(Case.id.desc(), Contract.id, ContractGuarantee.id)
    ).all()
    keys = [f"guarantee:{g.id}" for g, _, _ in rows]
    deadlines = (
        {
            d.source_key: d
            for d in session.scalars(
                select(CaseDeadline).where(
                    CaseDeadline.source_key.in_(keys),
                    CaseDeadline.kind == "guarantee_period",
                    CaseDeadline.is_active.is_(True),
                )
            )
        }
        if keys
        else {}
    )
    return [Guaranteed(g, k, c, deadlines.get(f"guarantee:{g.id}")) for g, k, c in rows]
