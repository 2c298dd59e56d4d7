"""The layering rules hold in the code itself: a change that breaks one fails here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("legalcase", "docgen", "storage")
# about 400 lines a module; generated migrations are history, not modules one edits
MAX_LINES = 420


def _modules(*parts: str) -> list[Path]:
    return sorted(p for p in ROOT.joinpath(*parts).rglob("*.py") if "__pycache__" not in p.parts)


def _calls(path: Path, names: set[str], on: str = "") -> list[str]:
    """Calls of ``.name()`` (on an expression whose source contains ``on``)."""
    found = []
    source = path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = ast.get_source_segment(source, node.func.value) or ""
            if node.func.attr in names and on in receiver:
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} {receiver}.{node.func.attr}()"
                )
    return found


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_no_service_commits_or_rolls_back():
    """Services never own the transaction: the request, command or job commits once."""
    offenders = []
    for path in _modules("legalcase", "services"):
        if path.name == "uow.py":  # the unit of work itself
            continue
        offenders += _calls(path, {"commit", "rollback"})
    assert offenders == []


def test_views_write_no_models_and_commit_only_through_the_unit_of_work():
    offenders = []
    for part in ("web", "api"):
        for path in _modules("legalcase", part):
            offenders += _calls(path, {"add", "add_all", "delete", "flush", "merge"}, on="session")
            source = path.read_text(encoding="utf-8")
            if "session.commit()" in source or "session.rollback()" in source:
                offenders.append(f"{path.relative_to(ROOT)} commits its session directly")
    assert offenders == []


def test_domain_docgen_and_storage_know_nothing_of_flask_or_the_database():
    forbidden = ("flask", "sqlalchemy", "legalcase.models", "legalcase.services", "legalcase.db")
    offenders = []
    for part in (("legalcase", "domain"), ("docgen",), ("storage",)):
        for path in _modules(*part):
            bad = [m for m in _imports(path) if m.startswith(forbidden)]
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_services_do_not_reach_for_the_request():
    offenders = []
    for path in _modules("legalcase", "services"):
        bad = [m for m in _imports(path) if m == "flask" or m.startswith(("flask.", "flask_"))]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(bad)}")
    assert offenders == []


def test_no_module_is_over_about_400_lines():
    long = []
    for package in PACKAGES:
        for path in _modules(package):
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)}: {n} lines")
    assert long == []
