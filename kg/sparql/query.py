"""SPARQL over the graph: safe to run on untrusted query text, same answers on two engines.

Two engines answer the same queries on the same statements:

- **Oxigraph** (pyoxigraph, the default): evaluation in Rust, one to two orders of
  magnitude faster than rdflib on large graphs. Results are lazy.
- **rdflib**: the pure-Python reference engine (``--engine rdflib``). It is run with
  ``SPARQL_LOAD_GRAPHS = False`` and our own prefix table (its default ``schema:`` is
  ``https://``, ours is ``http://schema.org/``).

Before either engine sees a query, :func:`check_query` parses it with rdflib's SPARQL
parser and refuses what could reach outside the graph: ``SERVICE`` (pyoxigraph really
makes the HTTP request), ``FROM``/``FROM NAMED`` (may dereference URLs or ``file:``
paths on some engines), and every update (``LOAD``, ``INSERT``, ``DROP``, ...).

The text that is checked is exactly the text that runs. The two parsers read codepoint
escapes differently (rdflib reads ``\\u00000022`` as eight hex digits, Oxigraph as four,
which once hid a ``SERVICE`` inside what rdflib took for a string), so
:func:`canonical_query` first replaces every escape by its character and refuses any
text that still holds one; both engines then read the same characters. The endpoint's
workers and ``kg query`` also run queries with the network closed to the engine (see
:mod:`kg.sparql.nonet`), in case the parsers ever disagree on something else.

Parameters are bound as RDF terms by the engine itself, never spliced into the text:
Oxigraph substitutions (SEP-0007) or rdflib ``initBindings``. The two differ (Oxigraph
requires a bound variable to be in the SELECT projection and does not enter
sub-SELECTs; rdflib pre-binds everywhere), so queries that take parameters follow the
rules in :mod:`kg.sparql.queries`, under which both give the same rows.

The code lives in three modules, named for what they do; this one is their face, so
``from kg.sparql.query import run_query`` keeps working:

- :mod:`kg.sparql.check`: parsing, the canonical text, and the refusals;
- :mod:`kg.sparql.run`: the two engines, parameters, loading an export;
- :mod:`kg.sparql.results`: :class:`QueryResult` and the result formats.

Result formats are the W3C ones: SPARQL 1.1 Query Results JSON, CSV, TSV (and XML),
all written by Oxigraph's serialisers whichever engine answered; ``table`` is a
plain-text rendering for people; CONSTRUCT and DESCRIBE results are Turtle.
"""

from __future__ import annotations

from kg.sparql.check import QueryForm, canonical_query, check_query, parse_query
from kg.sparql.results import (
    Binding,
    QueryResult,
    ResultFormat,
    Term,
    compact,
    format_graph,
    format_result,
)
from kg.sparql.run import load_graph_file, run_query, to_rdflib_graph, to_rdflib_term

__all__ = [
    "Binding",
    "QueryForm",
    "QueryResult",
    "ResultFormat",
    "Term",
    "canonical_query",
    "check_query",
    "compact",
    "format_graph",
    "format_result",
    "load_graph_file",
    "parse_query",
    "run_query",
    "to_rdflib_graph",
    "to_rdflib_term",
]
