"""Court filing packages (issue 17 point 6): one zip per court; in it a folder per case with
the complaint (DOCX and PDF), the evidence list and bundle, the identity papers, the power of
attorney and the service-address confirmation, named as courts expect; a case that cannot be
filed is left out with its reason; building a case twice builds it once."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from legalcase.domain.errors import ValidationFailed
from legalcase.models import Creditor, EvidenceBundle, GeneratedDocument
from legalcase.services import evidence, receivables
from legalcase.services import filing_packages as svc
from storage import LocalStorage
from tests import factories as F
from tests.conftest import SHARED

AS_OF = date(2026, 11, 24)
PDFS = SHARED / "fixtures" / "pdf"


def _case(session, legal, store, tmp_path, cred, court: str, title: str, with_evidence=True):
    debtor = F.debtor(session, legal, name=f"{title}有限公司")
    case = F.case(session, legal, cred=cred, debtor_party=debtor, title=title)
    case.court = court
    session.commit()
    contract = receivables.add_contract(
        session,
        legal,
        case,
        {
            "number": f"HT-{title}",
            "kind": "sale",
            "signed_date": date(2025, 1, 10),
            "amount": Decimal("200000"),
        },
    )
    F.receivable(
        session,
        legal,
        case,
        f"FP-{title}",
        "88000.00",
        date(2025, 2, 1),
        date(2025, 3, 31),
        contract_id=contract.id,
    )
    if with_evidence:
        files = {
            "contract": "pdflatex-4-pages.pdf",
            "delivery": "minimal-document.pdf",
            "invoice": "google-doc-document.pdf",
            "statement": "002-trivial-libre-office-writer.pdf",
            "identity": "crazyones-pdfa.pdf",
        }
        for kind, name in files.items():
            evidence.add_evidence(
                session,
                store,
                legal,
                case,
                io.BytesIO((PDFS / name).read_bytes()),
                f"{kind}.pdf",
                {"kind": kind, "title": f"{kind}材料", "purpose": f"证明{kind}"},
                tmp_dir=tmp_path / "tmp",
                max_bytes=2**22,
            )
    session.commit()
    return case


def test_one_zip_per_court_with_the_files_named_as_courts_expect(app, session, tmp_path):
    config = {**app.config, "UPLOAD_TMP": str(tmp_path / "tmp")}
    store = LocalStorage(tmp_path / "objects")
    legal = F.user(session, "legal", name="陈律师")
    cred = Creditor(
        name="华东精密机械制造有限公司",
        uscc=F.uscc(1),
        address="上海市闵行区申富路 88 号",
        legal_rep="赵总",
    )
    session.add(cred)
    session.commit()
    good = _case(session, legal, store, tmp_path, cred, "上海市闵行区人民法院", "恒达")
    bare = _case(
        session, legal, store, tmp_path, cred, "苏州工业园区人民法院", "鑫源", with_evidence=False
    )
    with pytest.raises(ValidationFailed):
        svc.start_packages(session, legal, [], AS_OF)
    packages = svc.start_packages(session, legal, [good.id, bare.id], AS_OF)
    session.commit()
    assert sorted(p.court for p in packages) == ["上海市闵行区人民法院", "苏州工业园区人民法院"]
    for p in packages:
        svc.run_now(session, store, legal, p, config)
        session.commit()
    minhang = next(p for p in packages if p.court == "上海市闵行区人民法院")
    suzhou = next(p for p in packages if p.court != minhang.court)
    assert (
        minhang.status == "done"
        and minhang.filename == "立案材料包_上海市闵行区人民法院_20261124.zip"
    )
    with store.open(minhang.storage_key) as fh:
        archive = zipfile.ZipFile(io.BytesIO(fh.read()))
    folder = f"01_恒达有限公司_案件{good.id}"
    assert sorted(archive.namelist()) == sorted(
        [
            f"{folder}/01_起诉状_恒达有限公司.docx",
            f"{folder}/01_起诉状_恒达有限公司.pdf",
            f"{folder}/02_证据目录_恒达有限公司.pdf",
            f"{folder}/03_证据材料_恒达有限公司.pdf",
            f"{folder}/04_身份证明_1_identity材料.pdf",
            f"{folder}/05_授权委托书_恒达有限公司.pdf",
            f"{folder}/06_送达地址确认书_恒达有限公司.pdf",
            "材料清单.txt",
        ]
    )
    complaint = PdfReader(io.BytesIO(archive.read(f"{folder}/01_起诉状_恒达有限公司.pdf")))
    assert "民事起诉状" in "".join(p.extract_text() for p in complaint.pages).replace(" ", "")
    listing = PdfReader(io.BytesIO(archive.read(f"{folder}/02_证据目录_恒达有限公司.pdf")))
    listed = "".join(p.extract_text() for p in listing.pages)
    assert "contract材料" in listed and "identity材料" not in listed  # identity papers apart
    bundle = PdfReader(io.BytesIO(archive.read(f"{folder}/03_证据材料_恒达有限公司.pdf")))
    assert len(bundle.pages) == len(listing.pages) + 4 + 1 + 1 + 1  # list + the four items
    poa = (
        PdfReader(io.BytesIO(archive.read(f"{folder}/05_授权委托书_恒达有限公司.pdf")))
        .pages[0]
        .extract_text()
    )
    assert (
        "授权委托书" in poa and "华东精密机械制造有限公司" in poa and "上海市闵行区人民法院" in poa
    )
    # the case that could not be filed is named with its reason
    assert suzhou.status == "failed"
    with store.open(suzhou.storage_key) as fh:
        notes = zipfile.ZipFile(io.BytesIO(fh.read())).read("材料清单.txt").decode()
    assert "鑫源" in notes and "未编入" in notes and "缺少" in notes
    # built again: nothing generated twice
    before = session.scalar(select(func.count()).select_from(GeneratedDocument))
    bundles = session.scalar(select(func.count()).select_from(EvidenceBundle))
    svc.build_item(session, store, legal, minhang.items[0].id, config)
    session.commit()
    assert session.scalar(select(func.count()).select_from(GeneratedDocument)) == before
    assert session.scalar(select(func.count()).select_from(EvidenceBundle)) == bundles


def test_a_case_without_a_court_is_refused_by_name(session):
    legal = F.user(session, "legal")
    c = F.case(session, legal, title="无法院案")
    with pytest.raises(ValidationFailed) as err:
        svc.start_packages(session, legal, [c.id], AS_OF)
    assert "无法院案" in err.value.fields["case_ids"]


def test_the_package_job_builds_each_case_once_and_zips_per_court(app, session, tmp_path):
    """As a background job (legalcase.jobs, kind filings.package): the case that cannot be
    filed is skipped with its reason, the other built; run again, nothing is built twice."""
    from legalcase.db import db
    from legalcase.jobs import submit
    from legalcase.jobs.runner import run
    from legalcase.models import Job

    store = LocalStorage(app.config["STORAGE_PATH"])  # the app's own storage, as the job's
    legal = F.user(session, "legal", name="陈律师")
    cred = Creditor(
        name="华东精密机械制造有限公司", uscc=F.uscc(2), address="上海市闵行区申富路 88 号"
    )
    session.add(cred)
    session.commit()
    good = _case(session, legal, store, tmp_path, cred, "上海市闵行区人民法院", "恒达")
    bare = _case(
        session, legal, store, tmp_path, cred, "上海市闵行区人民法院", "鑫源", with_evidence=False
    )
    with app.app_context():
        uow = db.unit_of_work(write=True)
        uow.start()
        actor = uow.session.get(type(legal), legal.id)
        (package,) = svc.start_packages(uow.session, actor, [good.id, bare.id], AS_OF)
        job = submit(
            uow.session, "filings.package", params={"package_ids": [package.id]}, created_by=actor
        )
        uow.session.info["legalcase_jobs_to_send"] = []  # not sent: run by hand below
        uow.commit()
        uow.close()
        package_id, job_id = package.id, job.id
        assert run(app, job_id, "w1") == "done"
        session.commit()  # a fresh read of what the job committed
        documents = session.scalar(select(func.count()).select_from(GeneratedDocument))
        with db.unit_of_work(write=True) as u:  # delivered again: nothing more is built
            u.session.get(Job, job_id).status = "queued"
            u.commit()
        assert run(app, job_id, "w2") == "done"
    session.commit()
    package = session.get(svc.FilingPackage, package_id)
    assert package.status == "done"
    assert [i.status for i in package.items] == ["done", "failed"]
    assert "缺少" in package.items[1].error
    assert session.scalar(select(func.count()).select_from(GeneratedDocument)) == documents == 1
    with store.open(package.storage_key) as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    assert f"01_恒达有限公司_案件{good.id}/01_起诉状_恒达有限公司.pdf" in names
    assert not any("鑫源" in n for n in names if n != "材料清单.txt")
