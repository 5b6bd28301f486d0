"""kg.sparql.query and kg.sparql.queries: refusals, safe parameters, the header grammar, W3C formats, engines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.graph.store import to_rdflib
from kg.sparql.queries import (
    CannedQuery,
    Param,
    ParamKind,
    bind,
    catalogue,
    get_query,
    parse_assignments,
    parse_header,
)
from kg.sparql.query import (
    QueryForm,
    QueryResult,
    ResultFormat,
    check_query,
    format_result,
    load_graph_file,
    parse_query,
    run_query,
    to_rdflib_graph,
)

runner = CliRunner()

INJECTIONS = [
    'Can Xu" } ; DROP ALL ; #',
    'Can Xu" . ?person ?p ?author } #',
    '") || true) } #',
    'Can Xu" }\nINSERT DATA { <urn:x> <urn:y> <urn:z> } #',
    "<https://w3id.org/lineage-kg/id/person/can-xu>",
    "\\u0022 } #",
]


@pytest.fixture(scope="module")
def rdflib_graph(default_triples):
    return to_rdflib(default_triples)


@pytest.fixture(params=["oxigraph", "rdflib"])
def engine_store(request, default_store, rdflib_graph):
    return default_store if request.param == "oxigraph" else rdflib_graph


# --- refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DROP ALL", "updates are not allowed: the graph is read-only"),
        (
            "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
            "updates are not allowed: the graph is read-only",
        ),
        (
            "LOAD <http://127.0.0.1:9/data.ttl>",
            "LOAD is not allowed: the graph is read-only and queries may not fetch data",
        ),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE is not allowed"),
        (
            "SELECT * WHERE { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "SERVICE is not allowed",
        ),
        (
            "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "SERVICE is not allowed",
        ),
        (
            "ASK { FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
            "SERVICE is not allowed",
        ),
        (
            "SELECT * { { SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
            "SERVICE is not allowed",
        ),
        (
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "FROM and FROM NAMED are not allowed",
        ),
        (
            "SELECT * FROM NAMED <http://127.0.0.1:9/> WHERE { ?s ?p ?o }",
            "FROM and FROM NAMED are not allowed",
        ),
        (
            "CONSTRUCT { ?s ?p ?o } FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o }",
            "FROM and FROM NAMED are not allowed",
        ),
        ("SELECT ?x WHERE { ?x ?y }", "SPARQL syntax error at line 1, column"),
    ],
)
def test_check_query_refuses_what_could_escape_or_change_the_graph(text, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        check_query(text)


def test_check_query_returns_the_form_and_may_allow_a_dataset_for_remote_stores():
    assert check_query("SELECT * { ?s ?p ?o }") is QueryForm.SELECT
    assert check_query("ASK { ?s ?p ?o }") is QueryForm.ASK
    assert check_query("CONSTRUCT WHERE { ?s ?p ?o }") is QueryForm.CONSTRUCT
    assert check_query("DESCRIBE <urn:x>") is QueryForm.DESCRIBE
    assert check_query("SELECT * FROM <urn:g> { ?s ?p ?o }", allow_dataset=True) is QueryForm.SELECT


def test_deeply_nested_text_is_an_error_not_a_crash():
    with pytest.raises(QueryError):
        parse_query("SELECT * WHERE " + "{" * 3000 + "}" * 3000)


def test_a_refused_query_never_reaches_the_store(default_store):
    before = len(default_store)
    for text in ("DROP ALL", "CLEAR DEFAULT", "DELETE WHERE { ?s ?p ?o }"):
        with pytest.raises(QueryError):
            run_query(default_store, text)
    assert len(default_store) == before


# --- parameters ----------------------------------------------------------------------


@pytest.mark.parametrize("payload", INJECTIONS)
def test_an_injection_payload_matches_nothing_and_changes_nothing(engine_store, payload):
    query = get_query("papers-of-author")
    size = len(engine_store)
    result = run_query(engine_store, query.text, bindings=bind({"author": payload}, query.params))
    assert result.rows() == []
    assert len(engine_store) == size


def test_a_parameter_is_bound_as_a_term_and_returned_as_itself(engine_store):
    query = get_query("papers-of-author")
    rows = run_query(
        engine_store, query.text, bindings=bind({"author": "Can Xu"}, query.params)
    ).rows()
    assert [row["author"] for row in rows] == [pyoxigraph.Literal("Can Xu")] * 4
    assert [row["year"].value for row in rows] == ["2024", "2024", "2024", "2025"]


def test_a_spelling_variant_finds_the_same_person(default_store):
    query = get_query("coauthors")
    canonical = run_query(
        default_store, query.text, bindings=bind({"person": "Jian-Guang Lou"}, query.params)
    )
    variant = run_query(
        default_store, query.text, bindings=bind({"person": "Jianguang Lou"}, query.params)
    )
    assert [r[1:] for r in canonical.solutions()] == [r[1:] for r in variant.solutions()]


def test_a_bound_variable_must_be_projected_on_both_engines(engine_store):
    text = "SELECT ?paper WHERE { ?paper dcterms:creator/rdfs:label ?author }"
    with pytest.raises(
        QueryError, match=r"parameter \?author is not in the query's SELECT projection"
    ):
        run_query(engine_store, text, bindings={"author": pyoxigraph.Literal("Can Xu")})


def test_bind_checks_names_and_kinds():
    declared = (
        Param("author", ParamKind.LITERAL),
        Param("year", ParamKind.INTEGER),
        Param("work", ParamKind.IRI),
    )
    terms = bind(
        {"author": "<urn:x>", "year": "+2024", "work": "<https://example.org/w>"}, declared
    )
    assert terms == {
        "author": pyoxigraph.Literal("<urn:x>"),
        "year": pyoxigraph.Literal(
            "2024", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        ),
        "work": pyoxigraph.NamedNode("https://example.org/w"),
    }
    with pytest.raises(
        QueryError, match="missing parameter 'year'; this query takes author \\(literal\\), year"
    ):
        bind({"author": "x", "work": "urn:w"}, declared)
    with pytest.raises(QueryError, match="unknown parameter 'nme'"):
        bind({"nme": "x"}, declared)
    with pytest.raises(QueryError, match="must be an integer"):
        bind({"author": "x", "year": "2024.0", "work": "urn:w"}, declared)
    with pytest.raises(QueryError, match="must be an absolute IRI"):
        bind({"author": "x", "year": "1", "work": "not an iri"}, declared)
    with pytest.raises(QueryError, match="not valid text"):
        bind({"author": "bad\ud800"})
    assert bind({"anything": "<urn:x>"}) == {"anything": pyoxigraph.Literal("<urn:x>")}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["author"], "needs the form name=value"),
        (["a b=1"], "not a SPARQL variable name"),
        (["a=1", "a=2"], "given twice"),
    ],
)
def test_parse_assignments_errors(items, message):
    with pytest.raises(QueryError, match=message):
        parse_assignments(items)


def test_parse_assignments_keeps_everything_after_the_first_equals_sign():
    assert parse_assignments(["q=a=b", "empty="]) == {"q": "a=b", "empty": ""}


# --- the header grammar and the library's own rules -----------------------------------


def test_parse_header():
    header = parse_header(
        "# Title line.\n#\n# question: Why?\n# param: who (literal) - a name\n"
        "# param: n (integer)\n# example: kg query --name x --param who='A B' --param n=3\nSELECT ?who ?n {}\n# not header\n"
    )
    assert header.title == "Title line."
    assert header.question == "Why?"
    assert header.params == (
        Param("who", ParamKind.LITERAL, "a name"),
        Param("n", ParamKind.INTEGER, ""),
    )
    query = CannedQuery("x", header.title, header.question, header.params, header.examples, "")
    assert query.example_params() == {"who": "A B", "n": "3"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("# param: who", "malformed parameter declaration"),
        ("# param: who (text)", "unknown kind 'text'"),
    ],
)
def test_parse_header_errors(line, message):
    with pytest.raises(QueryError, match=message):
        parse_header(line + "\nSELECT * {}")


def test_parse_header_refuses_a_parameter_declared_twice():
    with pytest.raises(QueryError, match="declared twice"):
        parse_header("# param: a (literal)\n# param: a (iri)\nSELECT * {}")


@pytest.mark.parametrize("query", catalogue(), ids=lambda q: q.name)
def test_every_canned_query_is_documented_and_follows_the_binding_rules(query: CannedQuery):
    assert query.title and query.question.endswith("?")
    assert query.examples and query.examples[0].startswith(f"kg query --name {query.name}")
    assert set(query.example_params()) == {p.name for p in query.params}
    assert all(p.doc for p in query.params)
    parsed = parse_query(query.text)[1]
    assert "valuesClause" not in parsed  # rule 3: remote binding appends VALUES
    if query.params and parsed.name == "SelectQuery":  # rule 1: every parameter is projected
        projected = {str(v["evar"] if "evar" in v else v["var"]) for v in parsed["projection"]}
        assert {p.name for p in query.params} <= projected


def _path_patterns(node: object) -> list[tuple[object, object, object]]:
    """Every triple pattern of an rdflib algebra tree whose predicate is a property path."""
    from rdflib.paths import Path as PropertyPath

    found: list[tuple[object, object, object]] = []
    if isinstance(node, dict):  # CompValue is an OrderedDict
        for key, value in node.items():
            if key == "triples":
                found += [t for t in value if isinstance(t[1], PropertyPath)]
            else:
                found += _path_patterns(value)
    elif isinstance(node, list | tuple):
        for item in node:
            found += _path_patterns(item)
    return found


@pytest.mark.parametrize("query", [q for q in catalogue() if q.params], ids=lambda q: q.name)
def test_no_parameter_is_matched_through_a_property_path(query: CannedQuery):
    """Oxigraph evaluates a path such as ``rdfs:label|lkg:arxivId ?work`` over the whole
    graph before it applies the substituted value (authors-of-paper took 257 ms at 10k
    papers instead of 0.3 ms): a parameter is matched by a plain pattern
    (``VALUES ?key { ... } ?s ?key ?work``)."""
    from rdflib.plugins.sparql import prepareQuery

    from kg.graph.namespaces import PREFIXES

    algebra = prepareQuery(query.text, initNs=PREFIXES).algebra
    params = {rdflib.Variable(p.name) for p in query.params}
    paths = _path_patterns(algebra)
    assert not [t for t in paths if t[0] in params or t[2] in params]


def test_solutions_keep_the_projection_order_and_unbound_terms(engine_store):
    text = 'SELECT ?b ?a ?c WHERE { VALUES (?a ?b ?c) { ("x" UNDEF "z") } }'
    rows = list(run_query(engine_store, text).solutions())
    assert rows == [(None, pyoxigraph.Literal("x"), pyoxigraph.Literal("z"))]


def test_get_query_suggests_close_names():
    with pytest.raises(
        QueryError, match="no canned query named 'coauthor'; did you mean coauthors"
    ):
        get_query("coauthor")


# --- results and formats -----------------------------------------------------------


TEXT = "SELECT ?title ?year WHERE { ?p lkg:arxivId ?id ; dcterms:title ?title ; lkg:year ?year } ORDER BY ?id LIMIT 3"


@pytest.mark.parametrize(
    "fmt",
    [ResultFormat.JSON, ResultFormat.CSV, ResultFormat.TSV, ResultFormat.XML, ResultFormat.TABLE],
)
def test_both_engines_write_byte_identical_results(default_store, rdflib_graph, fmt):
    fast = format_result(run_query(default_store, TEXT), fmt)
    reference = format_result(run_query(rdflib_graph, TEXT), fmt)
    assert fast == reference


def test_w3c_json_is_what_the_recommendation_says(default_store):
    doc = json.loads(format_result(run_query(default_store, TEXT), ResultFormat.JSON))
    assert doc["head"] == {"vars": ["title", "year"]}
    first = doc["results"]["bindings"][0]
    assert first["year"] == {
        "type": "literal",
        "value": "2024",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
    assert first["title"]["type"] == "literal" and "datatype" not in first["title"]


def test_ask_and_construct(engine_store):
    assert (
        format_result(run_query(engine_store, "ASK { ?p a lkg:Paper }"), ResultFormat.TABLE)
        == b"true\n"
    )
    assert json.loads(
        format_result(
            run_query(engine_store, "ASK { ?p a lkg:Venue ; lkg:year 1 }"), ResultFormat.JSON
        )
    ) == {
        "head": {},
        "boolean": False,
    }
    turtle = format_result(
        run_query(engine_store, "CONSTRUCT WHERE { ?p lkg:arxivId ?id }"), ResultFormat.TABLE
    )
    assert turtle.startswith(b"@prefix ")
    assert (
        len(list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))) == 11
    )  # papers with an arXiv id


def test_limited_reads_at_most_the_cap_and_says_it_cut(default_store):
    capped = run_query(default_store, "SELECT ?s WHERE { ?s a lkg:Paper } ORDER BY ?s").limited(5)
    assert capped.truncated and len(capped.rows()) == 5
    whole = run_query(default_store, "SELECT ?s WHERE { ?s a lkg:Paper }").limited(20)
    assert not whole.truncated and len(whole.rows()) == 20
    table = format_result(
        run_query(default_store, "SELECT ?s WHERE { ?s a lkg:Paper }").limited(2),
        ResultFormat.TABLE,
    )
    assert table.endswith(b"(2 rows, truncated)\n")


def test_query_result_needs_something():
    with pytest.raises(ValueError):
        QueryResult()


# --- loading an export ---------------------------------------------------------------


def test_an_export_loads_and_answers_like_the_build(default_store, tmp_path: Path):
    path = tmp_path / "graph.nt"
    default_store.dump(
        output=str(path),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        from_graph=pyoxigraph.DefaultGraph(),
    )
    loaded = load_graph_file(path)
    assert len(loaded) == len(default_store)
    graph = to_rdflib_graph(loaded)
    assert isinstance(graph, rdflib.Graph) and len(graph) == len(default_store)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("g.jsonld", "{}", "give an N-Triples"), ("g.nt", "<a> <b> .", "is not valid")],
)
def test_an_export_that_cannot_be_loaded(tmp_path: Path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QueryError, match=message):
        load_graph_file(path)
    with pytest.raises(QueryError, match="no such file"):
        load_graph_file(tmp_path / "missing.nt")


# --- the command ---------------------------------------------------------------------


def test_kg_query_list_shows_every_canned_query_with_its_parameters():
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    for query in catalogue():
        assert query.name in result.stdout
        for param in query.params:
            assert f"--param {param.name} ({param.kind.value})" in result.stdout


def test_kg_query_by_name_with_a_parameter_on_either_engine():
    args = ["query", "--name", "papers-of-author", "--param", "author=Can Xu", "--format", "csv"]
    fast = runner.invoke(app, args)
    reference = runner.invoke(app, [*args, "--engine", "rdflib"])
    assert fast.exit_code == 0, fast.output
    assert fast.stdout == reference.stdout
    assert fast.stdout.count("\n") == 5 and "WizardMath" in fast.stdout


def test_kg_query_on_an_export(default_store, tmp_path: Path):
    path = tmp_path / "graph.ttl"
    default_store.dump(
        output=str(path), format=pyoxigraph.RdfFormat.TURTLE, from_graph=pyoxigraph.DefaultGraph()
    )
    result = runner.invoke(
        app, ["query", "--graph", str(path), "SELECT (COUNT(*) AS ?n) { ?p a lkg:Paper }"]
    )
    assert result.exit_code == 0
    assert result.stdout == "n\n--\n20\n(1 row)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--name", "coauthors"],
            "Error: missing parameter 'person'; this query takes person (literal)\n",
        ),
        (["--name", "nope"], "Error: no canned query named 'nope' (kg query --list shows them)\n"),
        (
            ["--name", "venues", "--param", "x=1"],
            "Error: unknown parameter 'x'; this query takes no parameters\n",
        ),
        (
            ["--name", "venues", "SELECT * {}"],
            "Error: give the query as an argument, with --file or with --name (exactly one)\n",
        ),
        (["--graph", "missing.nt", "ASK {}"], "Error: cannot read missing.nt: no such file\n"),
    ],
)
def test_kg_query_errors(args, message):
    result = runner.invoke(app, ["query", *args])
    assert result.exit_code == 1
    assert result.stderr == message
