"""The package's layers import in one direction, checked on every module's imports.

Ruff's banned-api rule bans a name everywhere, not "package A must not import package
B", so this test reads each module with ``ast`` (imports inside functions included, as
the CLI imports heavy libraries lazily) and checks the rules of DEVELOPERS.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kg"

# (importing package, imported package): never allowed. "kg" alone means every module
# outside the CLI (the core).
FORBIDDEN = [
    ("kg", "kg.cli"),
    ("kg", "typer"),
    *((low, high) for low in ("kg.ingest", "kg.curation") for high in (
        "kg.graph", "kg.export", "kg.sparql", "kg.views", "kg.cli"
    )),
    ("kg.views", "kg.cli"),
    ("kg.export", "kg.cli"),
    ("kg.sparql", "kg.views"),
    ("kg.graph", "kg.export"),
]  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(name: str, source: str, *, is_package: bool = False) -> set[str]:
    """Every module the module ``name`` imports, relative imports resolved, anywhere in it."""
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(name: str, found: set[str]) -> list[str]:
    """The layering rules the module ``name`` breaks by importing ``found``."""
    if within(name, "kg.cli") or name == "kg.__main__":  # the CLI and its entry point
        return []
    return sorted(
        f"{name} imports {target} ({low} must not import {high})"
        for target in found
        for low, high in FORBIDDEN
        if within(name, low) and within(target, high)
    )


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_read() -> None:
    names = {module_name(p) for p in MODULES}
    assert {"kg.cli", "kg.ingest", "kg.curation.strict_yaml", "kg.graph.canonical"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path: Path) -> None:
    name = module_name(path)
    found = imports(name, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py")
    assert violations(name, found) == []


def test_forbidden_imports_are_found_however_they_are_written() -> None:
    source = (
        "from __future__ import annotations\n"
        "from ..export import rdf_formats\n"
        "import kg.views.page\n"
        "def later():\n"
        "    from kg.cli.app import app\n"
        "    import typer\n"
    )
    found = imports("kg.graph.sample", source)
    assert violations("kg.graph.sample", found) == [
        "kg.graph.sample imports kg.cli.app (kg must not import kg.cli)",
        "kg.graph.sample imports kg.cli.app.app (kg must not import kg.cli)",
        "kg.graph.sample imports kg.export (kg.graph must not import kg.export)",
        "kg.graph.sample imports kg.export.rdf_formats (kg.graph must not import kg.export)",
        "kg.graph.sample imports typer (kg must not import typer)",
    ]
    assert violations("kg.cli.sample", found) == []
    assert violations("kg.ingest.sample", {"kg.graph.rdf"}) == [
        "kg.ingest.sample imports kg.graph.rdf (kg.ingest must not import kg.graph)"
    ]
