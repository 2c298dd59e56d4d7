"""Court filing packages as a job (issue 17 point 6): each case of each package built once
(its files and its JobItem commit together), then one zip per court."""

from __future__ import annotations

from legalcase.models import FilingPackage
from legalcase.services import filing_packages as packages

from . import job_kind

KIND = "filings.package"


@job_kind(KIND, "立案材料包")
def build_packages(ctx) -> dict:
    with ctx.unit_of_work(write=False) as uow:
        items = [
            (pid, i.id)
            for pid in ctx.params["package_ids"]
            for i in uow.session.get(FilingPackage, pid).items
        ]
    for key in ctx.pending([f"{p}:{i}" for p, i in items]):
        with ctx.item(key) as item:  # the case's files and its JobItem commit together
            item_id = int(key.split(":")[1])
            built = packages.build_item(item.session, item.storage, item.actor, item_id, ctx.config)
            item.result = {"files": len(built.files or [])}
    # a refused case (a DomainError: its JobItem holds the message) is named in the package
    for key, done in ctx.items.items():
        if done.problem:
            with ctx.unit_of_work() as uow:
                packages.mark_failed(uow.session, int(key.split(":")[1]), done.problem)
                uow.commit()
    out = {}
    for pid in ctx.params["package_ids"]:
        with ctx.unit_of_work() as uow:
            package = packages.finish_package(uow.session, uow.storage, pid, ctx.config)
            out[str(pid)] = {"status": package.status, "filename": package.filename}
            uow.commit()
    return {"packages": out}
