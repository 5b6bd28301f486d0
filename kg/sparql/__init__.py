"""SPARQL over the graph: local queries, the canned library, an endpoint, remote stores.

- :mod:`kg.sparql.query`: the face of the three below (``run_query``, ``format_result``, ...).
- :mod:`kg.sparql.check`: parsing a query, its canonical text, and what is refused.
- :mod:`kg.sparql.run`: running it on Oxigraph or rdflib; loading an export into a store.
- :mod:`kg.sparql.results`: :class:`~kg.sparql.results.QueryResult` and the result formats.
- :mod:`kg.sparql.queries`: the canned ``.rq`` library and safe parameter binding.
- :mod:`kg.sparql.endpoint`: the read-only HTTP endpoint (requests handled by
  :mod:`kg.sparql.endpoint_http`, read under limits by :mod:`kg.sparql.request_reading`);
  its queries run in the processes of
  :mod:`kg.sparql.endpoint_worker`, handed out by :mod:`kg.sparql.worker_pool`, answering
  with :mod:`kg.sparql.answer`.
- :mod:`kg.sparql.remote`: pushing to and querying remote SPARQL 1.1 stores, on
  :mod:`kg.sparql.http_client` (deadline HTTP), :mod:`kg.sparql.redact` (what may be
  shown) and :mod:`kg.sparql.remote_text` (prefixes and parameters in the query text).
"""
