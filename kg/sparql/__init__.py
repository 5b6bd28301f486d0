"""SPARQL over the graph: local queries, the canned library, an endpoint, remote stores.

- :mod:`kg.sparql.query`: checking and running a query on Oxigraph or rdflib, result formats.
- :mod:`kg.sparql.queries`: the canned ``.rq`` library and safe parameter binding.
- :mod:`kg.sparql.endpoint` / :mod:`kg.sparql.endpoint_worker`: the read-only HTTP endpoint.
- :mod:`kg.sparql.remote`: pushing to and querying remote SPARQL 1.1 stores.
"""
