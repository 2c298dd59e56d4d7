"""报表: the managers' dashboard and the export of the rows behind it."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from flask import Blueprint, Response, render_template, send_file
from flask_login import login_required

from legalcase.db import db
from legalcase.domain.aging import TIER_LABELS, Tier
from legalcase.domain.stages import STAGE_LABELS, Stage
from legalcase.services import dashboard
from legalcase.services.clock import today
from legalcase.services.owed import allocation_labels

from .downloads import content_disposition, named

bp = Blueprint("reports", __name__)


@bp.before_request
@login_required
def _require_login():
    return None


@bp.get("/reports")
def index():
    d = dashboard.build(db.session, today())
    charts = {
        "aging": {
            "labels": [TIER_LABELS[Tier(k)] for k in d.aging],
            "values": [float(v) for v in d.aging.values()],
        },
        "stages": {
            "labels": [STAGE_LABELS[Stage(k)] for k in d.stages],
            "values": list(d.stages.values()),
        },
    }
    return render_template(
        "reports.html",
        d=d,
        charts=json.dumps(charts, ensure_ascii=False),
        contact_target=dashboard.CONTACT_TARGET,
        commitment_target=dashboard.COMMITMENT_TARGET,
    )


def _export_rows() -> list[dict]:
    """The dashboard's rows, each with how its case applies payments (RULES.md s.6), which
    its amounts follow."""
    rows = dashboard.export_rows(db.session, today())
    labels = allocation_labels(db.session, [r["案件编号"] for r in rows])
    return [{**r, "回款冲抵方式": labels.get(r["案件编号"], "")} for r in rows]


@bp.get("/reports/export.csv")
def export_csv():
    rows = _export_rows()
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    if rows:
        writer = csv.writer(out)
        writer.writerow(list(rows[0]))
        writer.writerows([dashboard.export_cell(v) for v in row.values()] for row in rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition("cases.csv")},
    )


@bp.get("/reports/export.xlsx")
def export_xlsx():
    from openpyxl import Workbook

    rows = _export_rows()
    wb = Workbook()
    ws = wb.active
    ws.title = "案件"
    if rows:
        ws.append(list(rows[0]))
        for row in rows:
            cells = [dashboard.export_cell(v) for v in row.values()]
            ws.append([float(v) if isinstance(v, Decimal) else v for v in cells])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return named(
        send_file(
            out,
            as_attachment=True,
            download_name="cases.xlsx",
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "cases.xlsx",
    )
