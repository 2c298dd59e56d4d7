"""KPI trends by month (``domain.kpi``) from the portfolio's history, gathered with SQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalcase.domain.kpi import CaseFacts, MonthKpi, trends
from legalcase.domain.stages import Stage
from legalcase.models import Case, StageChange

from .clock import SHANGHAI
from .propensity import histories


def case_facts(session: Session) -> list[CaseFacts]:
    """Every case's facts within the session's creditor scope."""
    offs = {
        cid: (at.astimezone(SHANGHAI).date(), owed)
        for cid, at, owed in session.execute(
            select(StageChange.case_id, func.min(StageChange.changed_at), Case.outstanding_amount)
            .join(Case, Case.id == StageChange.case_id)
            .where(StageChange.to_stage == Stage.CLOSED_WRITTEN_OFF.value)
            .group_by(StageChange.case_id, Case.outstanding_amount)
        )
    }
    return [
        CaseFacts(
            h.receivables, h.payments, h.promises, [d for d, _, _ in h.contacts], offs.get(cid)
        )
        for cid, h in sorted(histories(session).items())
    ]


def kpi_trends(session: Session, today: date, months: int = 12) -> list[MonthKpi]:
    return trends(case_facts(session), today, months)
