"""Evidence: legalcase evidence verify (storage reconciliation and timestamps),
legalcase evidence timestamp-pending (the timestamps still to be requested)."""

from __future__ import annotations

import sys

import click

from .common import unit_of_work
from .main import main

OTHER_LABELS = {
    "bundle": "证据册",
    "document": "文书（Word）",
    "document_pdf": "文书（PDF）",
    "template": "模板",
}


@main.group()
def evidence() -> None:
    """Evidence."""


def _local(dt) -> str:
    from legalcase.services.clock import SHANGHAI

    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if dt else "时间不明"


def _other_line(p) -> str:
    row = p.row
    if p.kind == "bundle":
        what = f"案件 {row.case_id} 证据册 {row.id}「{row.title}」"
    elif p.kind == "template":
        what = f"模板 {row.doc_type} 第 {row.version} 版"
    else:
        what = (
            f"案件 {row.case_id} {OTHER_LABELS[p.kind]} {row.id}（{row.letter_number or '无函号'}）"
        )
    return f"{what}：{p.problem}；对象 {p.key}"


@evidence.command("verify")
@click.option("--case", "case_id", type=int, default=None, help="Only this case.")
@click.option(
    "--remove-orphans",
    is_flag=True,
    help="Remove objects under a case that no row knows and that are older than an hour.",
)
def evidence_verify(case_id: int | None, remove_orphans: bool) -> None:
    """Reconcile storage with the records: re-hash every stored object a row knows (evidence,
    bundles, generated documents, templates), list objects no row knows (orphans) and
    temporary files left by dead requests or older than an hour. Exit 1 on any problem."""
    from flask import current_app

    from legalcase.services.evidence import reconcile
    from legalcase.services.timestamps import verify_timestamps

    with unit_of_work() as uow:
        r = reconcile(
            uow.session,
            uow.storage,
            case_id=case_id,
            tmp_dir=current_app.config["UPLOAD_TMP"],
            remove_orphans=remove_orphans,
        )
        for item, problem in r.evidence.problems:
            click.echo(
                f"案件 {item.case_id} 证据 {item.id}「{item.title}」：{problem}；对象 {item.storage_key}"
            )
        for p in r.others.problems:
            click.echo(_other_line(p))
        for o in r.orphans:
            line = (
                f"孤立对象 {o.info.key}：无任何记录引用（{o.info.size} 字节，"
                f"存入于 {_local(o.info.modified)}"
                + ("，不足一小时，可能属于仍在进行的请求" if o.young else "")
                + "）"
            )
            if o.removed:
                line += "，已删除"
            elif remove_orphans:
                line += f"，未删除：{o.kept_because}"
            click.echo(line)
        for label, files in (("临时文件", r.temp_files), ("存储临时文件", r.part_files)):
            for f in files:
                why = f"进程 {f.pid} 已不存在" if f.reason == "dead" else "超过一小时未改动"
                click.echo(f"{label} {f.path}：{why}（{f.size} 字节，{_local(f.modified)}）")
        checked = r.others.checked
        click.echo(
            f"已校验 {r.evidence.checked} 项证据、{checked['bundle']} 个证据册、"
            f"{checked['document'] + checked['document_pdf']} 个文书文件、"
            f"{checked['template']} 个模板；问题 {r.problem_count} 项"
        )
        ts = verify_timestamps(uow.session, case_id)
        for row, problem in ts.problems:
            click.echo(f"{_ts_what(row)}：时间戳无效：{problem}")
        for row in ts.pending:
            click.echo(f"{_ts_what(row)}：待补时间戳（{row.last_error or '尚未取得'}）")
        for kind, obj in ts.missing:
            click.echo(f"{_ts_what(None, kind, obj)}：没有时间戳（存入早于时间戳功能）")
        click.echo(
            f"已验证 {ts.checked} 个时间戳；无效 {len(ts.problems)} 个，待补 "
            f"{len(ts.pending) + len(ts.missing)} 个"
            + (
                "（运行 legalcase evidence timestamp-pending 补办）"
                if ts.pending or ts.missing
                else ""
            )
        )
    if r.problem_count or ts.problems:
        sys.exit(1)


def _ts_what(row, kind: str | None = None, obj=None) -> str:
    from legalcase.domain.values import TIMESTAMPED_KINDS

    if row is not None:
        kind, ident, case_id = row.object_kind, row.object_id, row.case_id
    else:
        ident, case_id = obj.id, obj.case_id
    return f"案件 {case_id} {TIMESTAMPED_KINDS[kind]} {ident}"


@evidence.command("timestamp-pending")
@click.option("--case", "case_id", type=int, default=None, help="Only this case.")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many.")
def evidence_timestamp_pending(case_id: int | None, limit: int) -> None:
    """Request the RFC 3161 timestamps still missing (待补时间戳: the authority was down when
    the object was stored, or it was stored before timestamps existed). Exit 1 while some
    remain pending."""
    from legalcase.services.clock import SHANGHAI
    from legalcase.services.timestamps import label, retry_pending_timestamps

    with unit_of_work() as uow:
        result = retry_pending_timestamps(uow.session, case_id=case_id, limit=limit)
        for row in result.stamped:
            when = row.gen_time.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")
            click.echo(f"{_ts_what(row)}：已加时间戳 {when}（{label(row)}）")
        for row in result.pending:
            click.echo(f"{_ts_what(row)}：仍待补时间戳（{row.last_error}）")
        click.echo(f"补办 {len(result.stamped)} 个，仍待补 {len(result.pending)} 个")
    if result.pending:
        sys.exit(1)
