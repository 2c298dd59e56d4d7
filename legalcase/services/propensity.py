"""The payment-propensity model: the history gathered with SQL, trained and back-tested with
scikit-learn, stored with its version and training date; cases scored by the model in use.

Snapshots: on the first day of every month of the installation's history, each case that
owed something then is one row: its features from what happened before that day
(``domain.propensity.features``) and whether it paid within the 30 days after. The back-test
trains on the snapshots whose 30 days ended before the held-out period (the last
``HOLDOUT_MONTHS`` months with a complete label) and measures AUC and calibration there; the
model stored for use is then fitted on every snapshot, the same way. With too little history
(``domain.propensity.enough_history``) the transparent rules are stored as the model in use.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legalcase.domain.errors import DomainError
from legalcase.domain.propensity import (
    HORIZON_DAYS,
    NAMES,
    RULES,
    History,
    LinearModel,
    Score,
    calibration,
    enough_history,
    features,
    month_starts,
    owes_on,
    paid_within,
)
from legalcase.domain.stages import IN_COURT
from legalcase.domain.values import DisputeStatus
from legalcase.models import (
    Dispute,
    LedgerEntry,
    Payment,
    Promise,
    Receivable,
    StageChange,
)
from legalcase.models.base import utcnow
from legalcase.models.propensity import PropensityModel

from .balances import chunks
from .clock import SHANGHAI

HOLDOUT_MONTHS = 3
SEED = 20261125  # random_state: the same history always gives the same model


# ---- the history, in sets ------------------------------------------------------------


def _in_order(rows: list[tuple]) -> list[tuple]:
    """Rows by date, ties in one fixed order whatever the database returned, so the score is
    reproducible; a missing value (an entry without a reason, a receivable without an issue
    date) sorts after any value in its place instead of failing the comparison."""
    return sorted(
        rows, key=lambda row: tuple((v is None, "" if v is None else str(v)) for v in row)
    )


def histories(session: Session, case_ids: Sequence[int] | None = None) -> dict[int, History]:
    """Each case's history (every case when ``case_ids`` is None), five queries a chunk."""
    out: dict[int, History] = {}
    for chunk in chunks(case_ids):
        rec, pay, prom, con = (defaultdict(list) for _ in range(4))
        court: dict[int, date] = {}

        def of(col, _chunk=chunk):
            return col.in_(_chunk) if _chunk is not None else col.is_not(None)

        r = Receivable
        for cid, issued, due, amount in session.execute(
            select(r.case_id, r.issue_date, r.due_date, r.amount).where(of(r.case_id))
        ):
            rec[cid].append((issued, due, amount))
        for cid, day, amount in session.execute(
            select(Payment.case_id, Payment.paid_date, Payment.amount).where(of(Payment.case_id))
        ):
            pay[cid].append((day, amount))
        for cid, made, due, status in session.execute(
            select(Promise.case_id, Promise.made_date, Promise.due_date, Promise.status).where(
                of(Promise.case_id)
            )
        ):
            prom[cid].append((made, due, status))
        le = LedgerEntry
        for cid, at, outcome, why in session.execute(
            select(le.case_id, le.contacted_at, le.outcome, le.non_payment_reason).where(
                of(le.case_id)
            )
        ):
            con[cid].append((at.astimezone(SHANGHAI).date(), outcome, why))
        for cid, at in session.execute(
            select(StageChange.case_id, func.min(StageChange.changed_at))
            .where(of(StageChange.case_id), StageChange.to_stage.in_([s.value for s in IN_COURT]))
            .group_by(StageChange.case_id)
        ):
            court[cid] = at.astimezone(SHANGHAI).date()
        disputes: dict[int, list] = defaultdict(list)
        for cid, opened, resolved, status in session.execute(
            select(Dispute.case_id, Dispute.opened_at, Dispute.resolved_at, Dispute.status).where(
                of(Dispute.case_id)
            )
        ):
            day_of = opened.astimezone(SHANGHAI).date()
            if resolved is None and status != DisputeStatus.OPEN.value:
                resolved = opened  # closed without a date: not open
            disputes[cid].append(
                (day_of, resolved.astimezone(SHANGHAI).date() if resolved else None)
            )
        for cid in set(rec) | set(pay) | (set(chunk) if chunk is not None else set()):
            out[cid] = History(
                _in_order(rec[cid]),
                _in_order(pay[cid]),
                _in_order(prom[cid]),
                _in_order(con[cid]),
                court.get(cid),
                _in_order(disputes[cid]),
            )
    return out


def snapshots(
    hs: dict[int, History], first: date, last: date
) -> list[tuple[date, int, dict[str, float], bool]]:
    """(day, case, features, paid within 30 days) for every month start in [first, last]
    on which the case owed something."""
    rows = []
    for day in month_starts(first, last):
        for cid in sorted(hs):
            h = hs[cid]
            if owes_on(h, day):
                rows.append((day, cid, features(h, day), paid_within(h, day)))
    return rows


# ---- training ------------------------------------------------------------------------


def _fit(rows) -> LinearModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = [[f[n] for n in NAMES] for _, _, f, _ in rows]
    y = [int(t) for _, _, _, t in rows]
    scaler = StandardScaler().fit(x)
    fit = LogisticRegression(C=1.0, max_iter=2000, random_state=SEED).fit(scaler.transform(x), y)
    scale = {n: float(s) if s > 0 else 1.0 for n, s in zip(NAMES, scaler.scale_, strict=True)}
    return LinearModel(
        "logistic",
        round(float(fit.intercept_[0]), 10),
        {n: round(float(w), 10) for n, w in zip(NAMES, fit.coef_[0], strict=True)},
        {n: round(float(m), 10) for n, m in zip(NAMES, scaler.mean_, strict=True)},
        {n: round(s, 10) for n, s in scale.items()},
    )


@dataclass(frozen=True)
class BackTest:
    holdout_from: date | None
    train: int
    test: int
    auc: float | None
    deciles: list


def back_test(rows, holdout_from: date) -> BackTest:
    """Train on the snapshots whose label ended before ``holdout_from``, test on the later."""
    from sklearn.metrics import roc_auc_score

    train = [r for r in rows if r[0] + timedelta(days=HORIZON_DAYS) <= holdout_from]
    test = [r for r in rows if r[0] >= holdout_from]
    labels = [t for *_, t in test]
    if not enough_history([t for *_, t in train]) or len(set(labels)) < 2:
        return BackTest(holdout_from, len(train), len(test), None, [])
    model = _fit(train)
    p = [model.score(f, top=0).probability for _, _, f, _ in test]
    auc = float(roc_auc_score([int(t) for t in labels], p))
    return BackTest(holdout_from, len(train), len(test), auc, calibration(labels, p))


def train(session: Session, today: date, hs: dict[int, History] | None = None) -> PropensityModel:
    """Train on the installation's history up to ``today`` and store the result as the next
    version (the model in use from now on). The caller commits."""
    hs = histories(session) if hs is None else hs
    last = today - timedelta(days=HORIZON_DAYS)
    firsts = [h.receivables[0][0] for h in hs.values() if h.receivables]
    rows = snapshots(hs, min(firsts), last) if firsts else []
    days = sorted({r[0] for r in rows})
    labels = [t for *_, t in rows]
    holdout_from = days[-HOLDOUT_MONTHS] if len(days) > HOLDOUT_MONTHS else None
    test = back_test(rows, holdout_from) if holdout_from else BackTest(None, 0, 0, None, [])
    if enough_history(labels) and test.auc is not None:
        model, note = _fit(rows), None
    else:
        model = RULES
        note = (
            f"历史数据不足（{len(rows)} 个快照，其中 {sum(labels)} 个30天内有回款；"
            f"需要至少 200 个快照且两种结果各至少 30 个），使用透明规则评分"
        )
    fields = dict(
        kind=model.kind,
        trained_at=utcnow(),
        as_of=today,
        snapshots=len(rows),
        positives=sum(labels),
        holdout_from=test.holdout_from,
        holdout_snapshots=test.test,
        auc=None if test.auc is None else Decimal(f"{test.auc:.4f}"),
        params=json.dumps(model.as_dict(), sort_keys=True),
        calibration=json.dumps([d.__dict__ for d in test.deciles]),
        note=note,
    )
    # the next version: two trainings at once both read the same highest one; the one that
    # inserts second hits the unique version, rolls back to its savepoint and reads again
    for _attempt in range(5):
        version = (session.scalar(select(func.max(PropensityModel.version))) or 0) + 1
        row = PropensityModel(version=version, **fields)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            continue
        return row
    raise DomainError("busy", "同时有其他训练在保存新版本，请稍后再试")


# ---- scoring -------------------------------------------------------------------------


def current(session: Session) -> tuple[LinearModel, PropensityModel | None]:
    """The model in use: the latest stored version, else (never trained) the rules."""
    row = session.scalar(select(PropensityModel).order_by(PropensityModel.version.desc()).limit(1))
    if row is None:
        return RULES, None
    return LinearModel.from_dict(json.loads(row.params)), row


def score_cases(
    session: Session, case_ids: Sequence[int], today: date, model: LinearModel | None = None
) -> dict[int, Score]:
    """Each case's chance of a payment within 30 days from ``today``, with its main reasons."""
    if not case_ids:
        return {}
    model = model or current(session)[0]
    hs = histories(session, case_ids)
    return {cid: model.score(features(hs[cid], today)) for cid in case_ids if cid in hs}
