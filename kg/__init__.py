"""LineageKG: turn curated research-paper lists into a knowledge graph.

The pipeline, in the order data flows::

    build_knowledge_base(lists, curation=...)  -> KnowledgeBase   (kg.pipeline)
    iter_triples(kb)                            -> RDF triples     (kg.rdf)
    to_rdflib(triples) / to_store(triples)      -> rdflib / Oxigraph (kg.store)
    build_exports(kb, "exports")                -> exports/         (kg.build)

Importing ``kg`` is cheap: heavy libraries load only when a function needs them.
"""

__version__ = "0.1.0"
