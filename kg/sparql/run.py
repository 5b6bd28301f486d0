"""Running a checked query on Oxigraph or rdflib, with parameters bound by the engine.

Two engines answer the same queries on the same statements:

- **Oxigraph** (pyoxigraph, the default): evaluation in Rust, one to two orders of
  magnitude faster than rdflib on large graphs. Results are lazy.
- **rdflib**: the pure-Python reference engine. It is run with
  ``SPARQL_LOAD_GRAPHS = False`` and our own prefix table (its default ``schema:`` is
  ``https://``, ours is ``http://schema.org/``).

Every query is first checked (:func:`kg.sparql.check.check_query`), and the canonical
text it checked is the text that runs. Parameters are bound as RDF terms by the engine
itself, never spliced into the text: Oxigraph substitutions (SEP-0007) or rdflib
``initBindings``. The two differ (Oxigraph requires a bound variable to be in the
SELECT projection and does not enter sub-SELECTs; rdflib pre-binds everywhere), so
queries that take parameters follow the rules in :mod:`kg.sparql.queries`, under which
both give the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.graph.namespaces import PREFIXES
from kg.sparql.check import QueryForm, canonical_query, check_query
from kg.sparql.results import XSD_STRING, Binding, QueryResult, Term

if TYPE_CHECKING:
    import rdflib

__all__ = ["load_graph_file", "run_query", "to_rdflib_graph", "to_rdflib_term"]


def run_query(
    store: ox.Store | rdflib.Graph,
    text: str,
    *,
    bindings: Mapping[str, Binding] | None = None,
    trusted: bool = False,
) -> QueryResult:
    """Check and run ``text`` on an Oxigraph store or an rdflib graph.

    ``bindings`` give variables values as RDF terms through the engine's own mechanism
    (Oxigraph substitutions, rdflib ``initBindings``), never spliced into the text, so
    a value cannot change the query's structure. On both engines a bound variable must
    be in a SELECT's projection (Oxigraph's rule, applied to rdflib too).

    ``trusted`` text (a canned query of the package's own library, checked by its tests)
    skips the check on Oxigraph: rdflib's SPARQL parser takes 0.2 s to import, most of a
    cold ``kg query --name`` on a persistent store.

    Raises:
        QueryError: the query is refused (see :func:`check_query`) or fails.
    """
    if trusted and isinstance(store, ox.Store):
        return _run_oxigraph(store, text, bindings or {})
    text = canonical_query(text)
    form = check_query(text)
    if isinstance(store, ox.Store):
        return _run_oxigraph(store, text, bindings or {})
    return _run_rdflib(store, text, form, bindings or {})


def _unprojected(name: str) -> QueryError:
    return QueryError(
        f"parameter ?{name} is not in the query's SELECT projection; a bound variable must be projected"
    )


def _run_oxigraph(store: ox.Store, text: str, bindings: Mapping[str, Binding]) -> QueryResult:
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in bindings.items()
    }
    try:
        raw = store.query(
            text,
            prefixes=PREFIXES,
            substitutions=substitutions or None,
            default_graph=ox.DefaultGraph(),
        )
    except (SyntaxError, OSError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from err
    except RuntimeError as err:
        missing = [k for k in bindings if f"variable ?{k} " in str(err)]
        if missing:
            raise _unprojected(missing[0]) from err
        raise QueryError(f"query failed: {err}") from err
    return QueryResult(raw)


def _run_rdflib(
    graph: rdflib.Graph, text: str, form: QueryForm, bindings: Mapping[str, Binding]
) -> QueryResult:
    import rdflib
    import rdflib.plugins.sparql as rdflib_sparql

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    namespaces = {prefix: rdflib.Namespace(iri) for prefix, iri in PREFIXES.items()}
    init = {k: to_rdflib_term(v) for k, v in bindings.items()}
    try:
        result = graph.query(text, initNs=namespaces, initBindings=init)
    except Exception as err:  # rdflib raises many kinds; all mean the query failed
        raise QueryError(f"query failed: {err}") from err
    if form is QueryForm.ASK:
        return QueryResult(boolean=bool(result.askAnswer))
    if form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE):
        assert result.graph is not None
        return QueryResult(triples=[_triple_from_rdflib(t) for t in result.graph])
    names = [str(v) for v in (result.vars or [])]
    for name in bindings:
        if name not in names:
            raise _unprojected(name)
    rows = [tuple(_from_rdflib(row[i]) for i in range(len(names))) for row in result]  # type: ignore[index]
    return QueryResult(variables=names, solutions=rows)


def to_rdflib_term(term: Binding) -> rdflib.term.Identifier:
    """The rdflib form of an IRI or literal."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _from_rdflib(term: Any) -> Term | None:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"unsupported term in a result: {term!r}")


def _triple_from_rdflib(triple: Any) -> ox.Triple:
    s, p, o = (_from_rdflib(t) for t in triple)
    assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode)
    assert o is not None
    return ox.Triple(s, p, o)


def load_graph_file(path: Path) -> ox.Store:
    """An in-memory Oxigraph store holding an export: N-Triples (``.nt``) or Turtle (``.ttl``).

    The parser is Oxigraph's strict one. Formats that can pull in other documents
    (JSON-LD's remote contexts) or spread triples over named graphs are not accepted.

    Raises:
        QueryError: the file cannot be read, has another extension, or does not parse.
    """
    formats = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"cannot load {path}: give an N-Triples (.nt) or Turtle (.ttl) export")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except FileNotFoundError as err:
        raise QueryError(f"cannot read {path}: no such file") from err
    except OSError as err:
        raise QueryError(f"cannot read {path}: {err}") from err
    except SyntaxError as err:
        raise QueryError(f"{path} is not valid {fmt.name}: {err}") from err
    return store


def to_rdflib_graph(store: ox.Store) -> rdflib.Graph:
    """An rdflib graph holding the default graph of ``store``, with our prefixes bound."""
    import rdflib

    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        graph.add(tuple(_to_rdflib_node(t) for t in (quad.subject, quad.predicate, quad.object)))  # type: ignore[arg-type]
    return graph


def _to_rdflib_node(term: Any) -> rdflib.term.Identifier:
    import rdflib

    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    return to_rdflib_term(term)
