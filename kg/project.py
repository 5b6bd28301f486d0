"""A project file, ``lineage-kg.toml``: which inputs, curation, base IRI and output folder.

A user's collection is several lists, a ``.bib`` or CSL-JSON library and curation
folders; naming them on every command is tedious and error-prone (a command given only
lists used to drop the curated methods and lineage). ``kg init`` writes the file, and
every command reads it from the working folder when it is given no ``--input``; an
option given on the command line overrides the file's value. Paths in the file are
relative to the file's folder. Read with :mod:`tomllib`, validated strictly (an unknown
key is an error naming it), written from a small template.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError

from kg.errors import KgError, ParseError
from kg.model import Model

__all__ = ["PROJECT_FILE", "Project", "find_project", "load_project", "render_project"]

PROJECT_FILE = "lineage-kg.toml"


class _Table(Model):
    inputs: list[str] = Field(min_length=1)
    curation: list[str] = []
    base: str | None = None
    out: str = "exports"


class _File(Model):
    project: _Table


@dataclass(frozen=True)
class Project:
    """A loaded project file, its paths resolved against the file's folder."""

    file: Path
    inputs: tuple[Path, ...]
    curation: tuple[Path, ...]
    base: str | None
    out: Path


def _resolve(folder: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() or folder == Path(".") else folder / path


def load_project(path: str | Path) -> Project:
    """Read and check a project file.

    Raises:
        ParseError: the file is not TOML, or a key is unknown, missing or mistyped (the
            message names the file, and the line for a TOML syntax error).
        IngestError: the file cannot be read.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise KgError(f"{path}: cannot read the project file: {err}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = getattr(err, "lineno", None)
        raise ParseError(f"not valid TOML: {err}", source=str(path), line=line) from None
    try:
        table = _File.model_validate(data).project
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ParseError(f"{where}: {first['msg']}", source=str(path)) from None
    folder = path.parent
    return Project(
        file=path,
        inputs=tuple(_resolve(folder, p) for p in table.inputs),
        curation=tuple(_resolve(folder, p) for p in table.curation),
        base=table.base,
        out=_resolve(folder, table.out),
    )


def find_project(folder: str | Path = ".") -> Project | None:
    """The project file of ``folder`` (``lineage-kg.toml``), loaded, or ``None`` when there is none."""
    path = Path(folder) / PROJECT_FILE
    if str(folder) == ".":
        path = Path(PROJECT_FILE)
    return load_project(path) if path.is_file() else None


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML for these characters).

    >>> _toml_string('a "b"')
    '"a \\\\"b\\\\""'
    """
    import json

    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: Sequence[str]) -> str:
    if not values:
        return "[]"
    return "[\n" + "".join(f"    {_toml_string(v)},\n" for v in values) + "]"


def render_project(
    *,
    inputs: Sequence[str],
    curation: Sequence[str] = (),
    base: str | None = None,
    out: str = "exports",
) -> str:
    """The text of a project file naming these inputs (tomllib reads it back to the same values).

    >>> import tomllib
    >>> tomllib.loads(render_project(inputs=["my-list.md"], curation=["curation"]))["project"]["inputs"]
    ['my-list.md']
    """
    base_line = (
        f"base = {_toml_string(base)}"
        if base
        else '# base = "https://example.org/my-papers/id/"  # default: https://w3id.org/lineage-kg/id/'
    )
    return f"""# LineageKG project: every kg command reads this file when it is given no --input.
# Options on the command line override it. Paths are relative to this file's folder.

[project]
# Markdown lists (.md), BibTeX (.bib) and CSL-JSON (.json) files, or folders of lists.
inputs = {_toml_list(inputs)}
# Folders of curated YAML (methods.yaml, lineage.yaml, aliases.yaml, papers.yaml),
# joined in order; an id defined in two of them is an error at file:line.
curation = {_toml_list(curation)}
# IRI base of the minted resources.
{base_line}
# Where kg build writes its exports.
out = {_toml_string(out)}
"""
