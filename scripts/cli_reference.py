"""Write docs/cli.md, the reference of every ``kg`` command, from the CLI's own definitions.

The text is what ``kg COMMAND --help`` shows (usage, description, options with their
help and defaults), read from the Click objects Typer builds, so the reference cannot
drift from the code: ``tests/test_cli_reference.py`` fails when docs/cli.md is stale.

Usage::

    .venv/bin/python scripts/cli_reference.py            # rewrite docs/cli.md
    .venv/bin/python scripts/cli_reference.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import Any

import typer  # noqa: TID251  (reads the CLI's own objects, as kg/cli does)
from typer.core import TyperGroup  # noqa: TID251

from kg.cli import app

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "cli.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _commands(group: TyperGroup, path: list[str]) -> list[tuple[list[str], Any]]:
    ctx = typer.Context(group)
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        if isinstance(command, TyperGroup):
            found.extend(_commands(command, [*path, name]))
        else:
            found.append(([*path, name], command))
    return found


def _option_rows(command: Any) -> list[str]:
    rows = []
    for param in command.params:
        if getattr(param, "hidden", False) or param.param_type_name != "option":
            continue
        names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
        default = ""
        if (
            param.default not in (None, False, ())
            and getattr(param, "show_default", True) is not False
        ):
            value = getattr(param.default, "value", param.default)
            default = f"`{value}`"
        rows.append(f"| {names} | {_cell(param.help or '')} | {default} |")
    return rows


def render() -> str:
    """The Markdown text of docs/cli.md."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    lines = [
        "# `kg` command reference",
        "",
        "Generated from the CLI by `scripts/cli_reference.py`; do not edit by hand.",
        "Every command that reads lists takes them as `--input/-i LIST` (a Markdown file, or a",
        "folder standing for every list in it; repeatable). With none, the lists and curated",
        "YAML of `data/` are read.",
        "",
        "Global options: `kg --version` prints the version, `kg --help` lists the commands.",
        "",
    ]
    for path, command in _commands(root, []):
        name = " ".join(path)
        usage = " ".join(
            ["[OPTIONS]"]
            + [
                piece
                for param in command.params
                if param.param_type_name == "argument" and not getattr(param, "hidden", False)
                for piece in [param.name.upper() if param.required else f"[{param.name.upper()}]"]
            ]
        )
        lines += [f"## `kg {name}`", "", "```", f"kg {name} {usage}", "```", ""]
        text, _, examples = inspect.cleandoc(command.help or "").partition("\nExample:\n")
        lines += [text.strip(), ""]
        if examples:
            lines += ["```sh", inspect.cleandoc(examples), "```", ""]
        rows = _option_rows(command)
        if rows:
            lines += ["| option | what it does | default |", "|---|---|---|", *rows, ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    """Write docs/cli.md, or with ``--check`` fail when it differs from the CLI."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/cli.md is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            sys.exit("docs/cli.md is stale: run .venv/bin/python scripts/cli_reference.py")
        return
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
