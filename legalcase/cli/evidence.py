"""Evidence: legalcase evidence verify (storage reconciliation)."""

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
    if r.problem_count:
        sys.exit(1)
