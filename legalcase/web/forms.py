"""One way to show a form, parse it, call a service and show its errors by the fields."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request
from marshmallow import Schema

from legalcase.db import db
from legalcase.domain.errors import DomainError
from legalcase.schemas import label, parse


def only_form_errors(exc: DomainError) -> None:
    """Undo the failed action (nothing half-written, storage included), then: a refusal of
    permission is not shown beside a field but goes to the error page."""
    db.uow.rollback()
    if exc.status == 403:
        raise exc


def instalment_lines(text: str | None) -> list[dict] | None:
    """'2024-01-31 5000' per line -> [{'due_date': '2024-01-31', 'amount': '5000'}]."""
    if not text or not text.strip():
        return None
    rows = []
    for line in text.strip().splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        rows.append({"due_date": parts[0], "amount": parts[1] if len(parts) > 1 else ""})
    return rows


def form_page(
    schema: Schema,
    title: str,
    on_valid: Callable[[dict], str],
    *,
    initial: dict | None = None,
    choices: dict[str, dict] | None = None,
    fields: list[str] | None = None,
    cancel_url: str | None = None,
    success: str | Callable[[], str] = "已保存",
    partial: bool = False,
    raw_hook: Callable[[dict], dict] | None = None,
):
    """GET shows the form; POST parses it and calls ``on_valid(data)`` -> redirect URL.

    A DomainError from parsing or from the service re-shows the form with each message
    beside its field and nothing saved.
    """
    values = dict(initial or {})
    errors: dict[str, str] = {}
    message = None
    if request.method == "POST":
        values = request.form.to_dict()
        for name, f in schema.fields.items():  # a multi-select sends each choice
            if f.metadata.get("widget") == "multiselect":
                values[name] = request.form.getlist(name)
        raw = raw_hook(dict(values)) if raw_hook else dict(values)
        raw.pop("csrf_token", None)
        try:
            url = on_valid(parse(schema, raw, partial=partial))
        except DomainError as exc:
            only_form_errors(exc)
            errors, message = _by_top_field(exc.fields), readable_message(exc, schema)
        else:
            flash(success() if callable(success) else success, "success")  # callable: after save
            return redirect(url)
    return (
        render_template(
            "form.html",
            schema=schema,
            title=title,
            values=values,
            errors=errors,
            message=message,
            choices=choices or {},
            fields=fields or list(schema.fields),
            cancel_url=cancel_url or request.referrer,
        ),
        422 if errors else 200,
    )


def readable_message(exc: DomainError, schema: Schema | None = None) -> str:
    """The banner above a form: each bad field by the label the user sees beside it
    ("证件号码：…", "分期 第2行：…"), not by its internal key ("id_code", "instalments.1")."""
    if exc.code != "invalid_input" or not exc.fields:
        return exc.message
    parts = []
    for key, msg in exc.fields.items():
        top, _, rest = key.partition(".")
        name = label(schema, top) if schema is not None else top
        if rest[:1].isdigit():
            name += f" 第{int(rest.split('.')[0]) + 1}行"
        parts.append(f"{name}：{msg}")
    return "输入有误：" + "；".join(parts)


def _by_top_field(fields: dict[str, str]) -> dict[str, str]:
    """'instalments.1.amount' errors are shown beside the 'instalments' input."""
    out: dict[str, str] = {}
    for key, msg in fields.items():
        top, _, rest = key.partition(".")
        text = f"第{int(rest.split('.')[0]) + 1}行：{msg}" if rest[:1].isdigit() else msg
        out[top] = f"{out[top]}；{text}" if top in out else text
    return out
