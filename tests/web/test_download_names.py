"""Every download names its file twice (RFC 6266/5987): ``filename*`` the real Chinese name in
UTF-8 and ``filename`` an ASCII fallback that still says what it is (not "-1.pdf"). The
filing package list names its cases by title and debtor, with a refused case's reason."""

from __future__ import annotations

from urllib.parse import quote

from legalcase.models import FilingPackage, FilingPackageItem
from legalcase.models.base import utcnow
from legalcase.services.clock import today
from legalcase.web.downloads import ascii_fallback, content_disposition
from storage import LocalStorage
from tests import factories as F
from tests.integration.test_missed_deadlines import login


def test_a_chinese_name_gets_a_meaningful_ascii_fallback_and_its_utf8_name():
    header = content_disposition("证据册-1.pdf")
    assert header == (
        "attachment; filename=\"document-1.pdf\"; filename*=UTF-8''" + quote("证据册-1.pdf")
    )
    assert ascii_fallback("催款函.zip") == "document.zip"
    assert ascii_fallback("立案材料包_法院_20261126.zip") == "document-20261126.zip"
    assert ascii_fallback("合同 contract v2.pdf") == "contract-v2.pdf"
    assert content_disposition("cases.csv") == 'attachment; filename="cases.csv"'
    assert content_disposition("上门.pdf", inline=True, fallback="visit-pack-3.pdf").startswith(
        "inline; filename=\"visit-pack-3.pdf\"; filename*=UTF-8''"
    )


def test_the_package_download_and_list(app, client, session, tmp_path):
    boss = F.user(session, "admin")
    c = F.case(session, boss, title="恒达货款纠纷")
    judged = F.case(session, boss, title="已判案")
    zipped = tmp_path / "p.zip"
    zipped.write_bytes(b"PK\x05\x06" + bytes(18))
    LocalStorage(app.config["STORAGE_PATH"]).put_file("packages/t1", zipped)
    name = f"立案材料包_某法院_{today():%Y%m%d}.zip"
    package = FilingPackage(
        court="某法院",
        as_of=today(),
        status="done",
        storage_key="packages/t1",
        filename=name,
        created_by_id=boss.id,
        created_at=utcnow(),
    )
    package.items = [
        FilingPackageItem(case_id=c.id, status="done", files=[]),
        FilingPackageItem(case_id=judged.id, status="failed", error="案件已处于“判决/裁决”阶段"),
    ]
    session.add(package)
    session.commit()
    login(client, boss)
    page = client.get("/packages").get_data(as_text=True)
    listed = page.split('id="packages"', 1)[1]
    assert f"恒达货款纠纷（{c.debtor.name}）" in listed
    assert "已判案" in listed and "未编入：案件已处于“判决/裁决”阶段" in listed
    r = client.get(f"/packages/{package.id}/download")
    assert r.status_code == 200
    header = r.headers["Content-Disposition"]
    assert f'filename="filing-package-{package.id}-{today():%Y%m%d}.zip"' in header
    assert f"filename*=UTF-8''{quote(name)}" in header
