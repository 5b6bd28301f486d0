"""Where the commands that read the graph get it: the persistent store, or an export file.

``kg query``, ``kg serve``, ``kg push``, ``kg stats`` and ``kg lineage NAME`` share one
rule: with ``--graph`` (``--source`` for push) naming a build folder (or its
``graph.nt``), the store of that build; with another export file, that file loaded
into memory; otherwise the store of the inputs (the lists given, or ``data/``), built
and kept when missing. Notes about a store that had to be built go to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.graph.rdf import Triple
    from kg.sparql.opening import Opened

__all__ = ["open_graph", "resolved_inputs", "store_key"]


def resolved_inputs(
    lists: list[Path] | None, curation: Path | None
) -> tuple[list[Path], list[Path]]:
    """The input files and curation folders a build of these options reads (as ``load_inputs``)."""
    from kg.cli.app import resolve_inputs

    return resolve_inputs(lists, curation)


def store_key(lists: list[Path], curation: Path | list[Path] | None, base: str | None) -> str:
    """The inputs key of these resolved inputs (see :func:`kg.sparql.store.inputs_key`)."""
    from kg.cli.app import package_version
    from kg.graph.namespaces import DEFAULT_BASE
    from kg.sparql.store import inputs_key

    return inputs_key(lists, curation, base=base or DEFAULT_BASE, version=package_version())


def open_graph(
    *,
    graph: Path | None,
    lists: list[Path] | None,
    curation: Path | None,
    option: str = "--graph",
) -> Opened:
    """Open the graph the options name, printing a note when a store had to be built.

    Raises:
        KgError: ``graph`` is combined with inputs, or cannot be read.
    """
    from kg.sparql.opening import Opened, build_folder_of, open_build_folder, open_inputs

    if graph is not None:
        if lists or curation is not None:
            raise KgError(f"{option} is the whole graph; give no --input or --curation with it")
        folder = build_folder_of(graph)
        if folder is None:
            from kg.sparql.run import load_graph_file

            opened = Opened(load_graph_file(graph))
        else:
            opened = open_build_folder(folder)
    else:
        from kg.cli.app import load_inputs
        from kg.graph.rdf import iter_triples
        from kg.runtime.gc_pause import gc_paused

        files, folder_of_yaml = resolved_inputs(lists, curation)
        read: dict[str, int] = {}

        def triples() -> list[Triple]:
            with gc_paused():  # millions of objects that all stay alive
                kb = load_inputs(files, folder_of_yaml)
                read["warnings"] = len(kb.diagnostics)
                return list(iter_triples(kb))

        key = store_key(files, folder_of_yaml, None)
        opened = open_inputs(key, triples, facts=lambda: read)
    if opened.note:
        typer.echo(opened.note, err=True)
    return opened
