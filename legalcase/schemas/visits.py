"""Field visits' forms (issue 17 point 4)."""

from __future__ import annotations

from marshmallow import fields

from legalcase.domain.values import LEGAL_EFFECTS, OUTCOMES

from .fields import REQUIRED, Base, Moment, choice, day, money, ref, text


class VisitPlanSchema(Base):
    planned_date = day("走访日期")
    purpose = text("走访目的", max_len=2000, widget="textarea")
    lead_id = ref("主谈")
    lawyer_id = ref("律师", required=False)
    member_ids = fields.List(
        ref("随行人员", required=True),
        allow_none=True,
        metadata={"label": "随行人员（记录/摄像）", "widget": "multiselect"},
    )


class VisitRecordSchema(Base):
    visited_at = Moment(
        required=True, error_messages=REQUIRED, metadata={"label": "走访时间", "widget": "datetime"}
    )
    place = text("走访地点", required=True, max_len=300)
    member_ids = fields.List(
        ref("走访人员", required=True),
        allow_none=True,
        metadata={"label": "实际走访人员（不选即按计划）", "widget": "multiselect"},
    )
    met_person = text("接洽人", max_len=100)
    met_role = text("接洽人身份（如法定代表人、财务、亲属）", max_len=100)
    outcome = choice("结果", OUTCOMES)
    summary = text("走访情况", required=True, max_len=5000, widget="textarea")
    legal_effect = choice(
        "法律效果（时效）",
        {k: v for k, v in LEGAL_EFFECTS.items() if k != "acknowledgment"},
        required=False,
    )
    promise_amount = money("承诺还款金额", required=False)
    promise_due_date = day("承诺还款日期", required=False)


class VisitPhotoSchema(Base):
    taken_at = Moment(
        required=True, error_messages=REQUIRED, metadata={"label": "拍摄时间", "widget": "datetime"}
    )
    place = text("拍摄地点", required=True, max_len=300)
