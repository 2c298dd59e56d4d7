import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from legalcase.cli import main
from tests.conftest import SHARED
from tests.unit.test_deadlines import VECTORS, assert_matches

INTEREST = json.loads(
    (SHARED / "legal" / "vectors-interest-public.json").read_text(encoding="utf-8")
)


@pytest.fixture
def cli(app, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("LEGALCASE_DATABASE_URL", database_url)
    monkeypatch.setenv("LEGALCASE_INSTANCE_PATH", str(tmp_path / "cli-instance"))
    runner = CliRunner()
    return lambda *args, **kw: runner.invoke(main, list(args), catch_exceptions=False, **kw)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_deadline_vectors_through_the_cli(cli, vector):
    r = cli("deadlines", "-", input=json.dumps(vector["input"]))
    assert r.exit_code == 0, r.output
    assert_matches(vector["expect"], json.loads(r.output)["deadlines"])


@pytest.mark.parametrize("vector", INTEREST, ids=[v["name"] for v in INTEREST])
def test_interest_vectors_through_the_cli(cli, vector, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(vector["input"]), encoding="utf-8")
    r = cli("interest", str(path))
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert {k: out[k] for k in vector["expect"]} == vector["expect"]


def test_the_console_script_reads_a_file_and_names_bad_fields(tmp_path):
    good = tmp_path / "claim.json"
    good.write_text(json.dumps(VECTORS[0]["input"]), encoding="utf-8")
    exe = [sys.executable, "-m", "legalcase.cli"]
    r = subprocess.run([*exe, "deadlines", str(good)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["deadlines"][0]["date"] == "2026-02-02"
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"as_of": "2026-01-01", "due_date": "2023-02-29", "events": [{"type": "demand"}]}'
    )
    r = subprocess.run([*exe, "deadlines", str(bad)], capture_output=True, text=True, check=False)
    assert r.returncode == 2
    assert "due_date" in r.stderr and "events[0].date" in r.stderr
    r = subprocess.run(
        [*exe, "deadlines", "-"], input="{not json", capture_output=True, text=True, check=False
    )
    assert r.returncode == 2 and "JSON 格式错误" in r.stderr
    r = subprocess.run(
        [*exe, "deadlines", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 2 and "无法读取" in r.stderr


def test_lpr_import_changes_the_rate_used(cli, tmp_path):
    claim = {
        "as_of": "2026-12-31",
        "rate": {"type": "lpr_markup", "markup": "0"},
        "principal": [{"ref": "N", "amount": "36500.00", "due_date": "2026-01-31"}],
    }
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim))
    before = json.loads(cli("interest", str(path)).output)
    assert "LPR 3%" in before["lines"][0]["rate"]  # 3.00 since 2025-05-20
    csv = tmp_path / "lpr.csv"
    csv.write_text("effective_date,one_year_percent\n2026-01-20,2.90\n")
    r = cli("lpr", "import", str(csv))
    assert r.exit_code == 0 and "新增 1 条" in r.output
    after = json.loads(cli("interest", str(path)).output)
    assert "LPR 2.9%" in after["lines"][0]["rate"]
    assert after["interest_outstanding"] == "968.60"  # 36500 x 2.9% = 1058.50 a year, x 334/365
    bad = tmp_path / "bad.csv"
    bad.write_text("effective_date,one_year_percent\n2026-02-30,2.8\n2026-03-01,abc\n")
    r = cli("lpr", "import", str(bad))
    assert r.exit_code == 2 and "line 2" in r.output and "line 3" in r.output


def test_all_public_vectors_through_the_cli(cli, tmp_path):
    from tests.unit.test_deadlines_v2 import ALL_VECTORS
    from tests.unit.test_interest_v2 import ALL_VECTORS as ALL_INTEREST
    from tests.unit.test_interest_v2 import assert_interest_matches

    assert len(ALL_VECTORS) == 20 and len(ALL_INTEREST) == 7
    for v in ALL_VECTORS:
        r = cli("deadlines", "-", input=json.dumps(v["input"]))
        assert r.exit_code == 0, r.output
        assert_matches(v["expect"], json.loads(r.output)["deadlines"])
    for i, v in enumerate(ALL_INTEREST):
        path = tmp_path / f"in{i}.json"
        path.write_text(json.dumps(v["input"]), encoding="utf-8")
        r = cli("interest", str(path))
        assert r.exit_code == 0, r.output
        assert_interest_matches(v["expect"], json.loads(r.output))


def test_lpr_import_records_how_far_the_table_is_checked(cli, tmp_path):
    claim = {
        "as_of": "2026-12-31",
        "rate": {"type": "lpr_markup", "markup": "0"},
        "principal": [{"ref": "N", "amount": "36500.00", "due_date": "2026-01-31"}],
    }
    path = tmp_path / "claim.json"
    path.write_text(json.dumps(claim))
    before = json.loads(cli("interest", str(path)).output)
    assert [w["code"] for w in before["warnings"]] == ["lpr_table_stale"]
    assert "2025-05-20" in before["warnings"][0]["message"]
    assert "核对至 2025-05-20" in cli("lpr", "list").output
    csv = tmp_path / "lpr.csv"
    csv.write_text(
        "# checked_through: 2026-11-20\neffective_date,one_year_percent\n2025-05-20,3.00\n"
    )
    r = cli("lpr", "import", str(csv))
    assert r.exit_code == 0 and "新增 0 条" in r.output and "核对至 2026-11-20" in r.output
    after = json.loads(cli("interest", str(path)).output)
    assert (
        after["warnings"] == [] and after["interest_outstanding"] == before["interest_outstanding"]
    )
    assert "核对至 2026-11-20" in cli("lpr", "list").output
    # an explicit date wins; an earlier one never moves the date back
    r = cli("lpr", "import", str(csv), "--checked-through", "2026-01-01")
    assert r.exit_code == 0 and "核对至" not in r.output
    assert "核对至 2026-11-20" in cli("lpr", "list").output
    # a bad checked_through line is named with its line number, nothing is imported
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "# checked_through: 2026-13-01\neffective_date,one_year_percent\n2026-01-20,2.9\n"
    )
    r = cli("lpr", "import", str(bad))
    assert r.exit_code == 2 and "line 1" in r.output
    # errors in the rows keep their line numbers in the file
    bad.write_text("# checked_through: 2026-11-20\neffective_date,one_year_percent\n2026-02-30,2\n")
    r = cli("lpr", "import", str(bad))
    assert r.exit_code == 2 and "line 3" in r.output
