"""The knowledge base as a graph: RDF triples, stores, and the networkx projection.

- :mod:`kg.graph.namespaces`: prefixes and IRI minting.
- :mod:`kg.graph.rdf`: the mapping, knowledge base -> neutral triples (the public contract).
- :mod:`kg.graph.store`: those triples into rdflib or Oxigraph.
- :mod:`kg.graph.canonical`: the triples deduplicated and in the one order every export reads.
- :mod:`kg.graph.nx_convert`: the networkx projection the views and GraphML are made from.
"""
