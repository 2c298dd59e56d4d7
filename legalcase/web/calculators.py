"""时效计算器 and 利息计算器: a lawyer checks a date or an amount without opening a case."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from legalcase.db import db
from legalcase.domain.calendar import china_calendar
from legalcase.domain.deadline_io import parse_deadline_input
from legalcase.domain.deadlines import compute
from legalcase.domain.errors import DomainError
from legalcase.domain.interest import compute_interest
from legalcase.domain.interest_io import parse_interest_input
from legalcase.services.clock import today
from legalcase.services.lpr import lpr_table

bp = Blueprint("calc", __name__, url_prefix="/calculators")

EVENT_ROWS = 6
MONEY_ROWS = 5
JUDGMENT_PAYMENT_ROWS = 3


@bp.before_request
@login_required
def _require_login():
    return None


def _value(form, name: str):
    value = (form.get(name) or "").strip()
    return value or None


def deadline_request(form) -> dict:
    """The calculator's JSON input (RULES.md section 7) from the form's fields."""
    data = {"jurisdiction": form.get("jurisdiction") or "CN", "as_of": _value(form, "as_of")}
    instalments = [
        v.strip() for v in (form.get("installments") or "").replace(",", " ").split() if v.strip()
    ]
    if instalments:
        data["installments"] = instalments
    else:
        data["due_date"] = _value(form, "due_date")
    if form.get("guarantee.type"):
        data["guarantee"] = {
            "type": form["guarantee.type"],
            "period_end": _value(form, "guarantee.period_end"),
        }
    events = []
    for i in range(EVENT_ROWS):
        kind = form.get(f"events[{i}].type")
        if not kind:
            continue
        p = f"events[{i}]."
        events.append(
            {
                "type": kind,
                "date": _value(form, p + "date"),
                "party": form.get(p + "party") or "debtor",
                "start": _value(form, p + "date"),
                "end": _value(form, p + "end"),
                "kind": form.get(p + "kind") or "judgment",
                "served": _value(form, p + "date"),
                "performance_due": _value(form, p + "performance_due"),
                "effective": _value(form, p + "effective"),
                "foreign_party": bool(form.get(p + "foreign_party")),
                "pre_suit": bool(form.get(p + "pre_suit")),
                "asset": form.get(p + "asset") or "bank_deposit",
                "expires": _value(form, p + "expires"),
            }
        )
    data["events"] = events
    return data


def _form_errors(fields: dict[str, str], rows: list[int]) -> dict[str, str]:
    """Map events[k] (k-th filled row) back to the form row it came from; start/served -> date."""
    out = {}
    for key, msg in fields.items():
        if key.startswith("events["):
            k, _, rest = key[len("events[") :].partition("]")
            row = rows[int(k)] if int(k) < len(rows) else int(k)
            rest = rest.lstrip(".").replace("start", "date").replace("served", "date")
            key = f"events[{row}].{rest}" if rest else f"events[{row}].type"
        out[key] = msg
    return out


@bp.route("/deadlines", methods=["GET", "POST"])
def deadlines():
    form = (
        request.form if request.method == "POST" else {"as_of": str(today()), "jurisdiction": "CN"}
    )
    result, errors, message = None, {}, None
    if request.method == "POST":
        rows = [i for i in range(EVENT_ROWS) if form.get(f"events[{i}].type")]
        try:
            claim, as_of = parse_deadline_input(deadline_request(form))
        except DomainError as exc:
            errors, message = _form_errors(exc.fields, rows), exc.message
        else:
            found = compute(claim, as_of, china_calendar())
            result = {
                "as_of": as_of,
                "items": sorted(found, key=lambda d: (d.date is None, d.date or as_of)),
                "rows": rows,
            }
    return render_template(
        "calc_deadlines.html",
        form=form,
        result=result,
        errors=errors,
        message=message,
        rows=EVENT_ROWS,
    ), (422 if errors else 200)


def interest_request(form) -> dict:
    rate_type = form.get("rate.type") or "lpr_markup"
    rate = {"type": rate_type}
    rate["markup" if rate_type == "lpr_markup" else "percent"] = _value(form, "rate.value")
    data = {
        "as_of": _value(form, "as_of"),
        "day_count": int(form.get("day_count") or 365),
        "rate": rate,
        "costs": _value(form, "costs") or "0.00",
        "principal": [],
        "payments": [],
    }
    for i in range(MONEY_ROWS):
        if _value(form, f"principal[{i}].amount") or _value(form, f"principal[{i}].due_date"):
            data["principal"].append(
                {
                    "ref": _value(form, f"principal[{i}].ref") or f"#{i + 1}",
                    "amount": _value(form, f"principal[{i}].amount"),
                    "due_date": _value(form, f"principal[{i}].due_date"),
                }
            )
        if _value(form, f"payments[{i}].amount") or _value(form, f"payments[{i}].date"):
            data["payments"].append(
                {
                    "date": _value(form, f"payments[{i}].date"),
                    "amount": _value(form, f"payments[{i}].amount"),
                }
            )
    if _value(form, "judgment.amount") or _value(form, "judgment.performance_due"):
        data["judgment"] = {
            "amount": _value(form, "judgment.amount"),
            "ordinary_interest": _value(form, "judgment.ordinary_interest") or "0.00",
            "performance_due": _value(form, "judgment.performance_due"),
            "payments": [
                {
                    "date": _value(form, f"judgment.payments[{i}].date"),
                    "amount": _value(form, f"judgment.payments[{i}].amount"),
                }
                for i in range(JUDGMENT_PAYMENT_ROWS)
                if _value(form, f"judgment.payments[{i}].date")
                or _value(form, f"judgment.payments[{i}].amount")
            ],
        }
    return data


def _renumber(
    fields: dict[str, str], form, prefix: str, probe: tuple[str, ...], rows: int = MONEY_ROWS
) -> dict[str, str]:
    """principal[k] is the k-th filled row: map it back to the form row."""
    filled = [i for i in range(rows) if any(_value(form, f"{prefix}[{i}].{p}") for p in probe)]
    out = {}
    for key, msg in fields.items():
        if key.startswith(prefix + "["):
            k, _, rest = key[len(prefix) + 1 :].partition("]")
            key = f"{prefix}[{filled[int(k)]}]{rest}" if int(k) < len(filled) else key
        out[key] = msg
    return out


@bp.route("/interest", methods=["GET", "POST"])
def interest():
    form = (
        request.form
        if request.method == "POST"
        else {
            "as_of": str(today()),
            "day_count": "365",
            "rate.type": "lpr_markup",
            "rate.value": "0.5",
        }
    )
    result, errors, message = None, {}, None
    table = lpr_table(db.session)
    if request.method == "POST":
        try:
            result = compute_interest(parse_interest_input(interest_request(form)), table)
        except DomainError as exc:
            errors = _renumber(exc.fields, form, "principal", ("amount", "due_date"))
            errors = _renumber(errors, form, "payments", ("amount", "date"))
            errors = _renumber(
                errors, form, "judgment.payments", ("amount", "date"), JUDGMENT_PAYMENT_ROWS
            )
            errors = {
                k.replace("rate.markup", "rate.value").replace("rate.percent", "rate.value"): v
                for k, v in errors.items()
            }
            message = exc.message
    return render_template(
        "calc_interest.html",
        form=form,
        result=result,
        errors=errors,
        message=message,
        rows=MONEY_ROWS,
        judgment_rows=JUDGMENT_PAYMENT_ROWS,
        lpr_checked_through=table.checked_through,
        lpr_latest=(table.dates[-1], table.rates[-1]) if table.dates else None,
    ), (422 if errors else 200)
