"""GET /api/v1/worklist: a collector's cases ranked by expected recovery, with reasons."""

from __future__ import annotations

from flask import g, request

from legalcase import schemas as S
from legalcase.db import db
from legalcase.domain.errors import PermissionDenied, ValidationFailed
from legalcase.domain.roles import Role
from legalcase.schemas.worklist import WorklistOut
from legalcase.services import propensity as propensity_svc
from legalcase.services import worklist as worklist_svc
from legalcase.services.clock import today

from . import bp, dumps


@bp.get("/worklist")
@dumps(WorklistOut)
def worklist():
    errors: dict[str, str] = {}
    user = g.api_user
    assignee = S.int_arg(request.args, "assignee", user.id, 1, 2**31 - 1, errors)
    if errors:
        raise ValidationFailed(errors)
    if assignee != user.id and user.role == Role.COLLECTOR.value:
        raise PermissionDenied("催收专员只能查看自己的催收清单")
    model, row = propensity_svc.current(db.session)
    items = worklist_svc.worklist(db.session, assignee, today())
    return {
        "assignee": assignee,
        "score": {"kind": model.kind, "version": row.version if row else None},
        "items": [
            {
                "case_id": w.case_id,
                "title": w.title,
                "debtor": w.debtor,
                "currency": w.currency,
                "owed": str(w.owed),
                "probability": round(w.probability, 6),
                "expected_recovery": str(w.expected),
                "days_overdue": w.days_overdue,
                "next_deadline": w.next_deadline,
                "deadline_at_risk": w.deadline_at_risk,
                "segment": w.segment,
                "reasons": [
                    {
                        "feature": r.feature,
                        "label": r.label,
                        "value": round(r.value, 4),
                        "contribution": round(r.contribution, 4),
                    }
                    for r in w.reasons
                ],
            }
            for w in items
        ],
    }
