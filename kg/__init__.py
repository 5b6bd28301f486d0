"""LineageKG: turn curated research-paper lists into a knowledge graph.

The pipeline, in the order data flows::

    build_knowledge_base(lists, curation=...)  -> KnowledgeBase   (kg.pipeline)
    iter_triples(kb)                            -> RDF triples     (kg.graph.rdf)
    to_rdflib(triples) / to_store(triples)      -> rdflib / Oxigraph (kg.graph.store)
    build_exports(kb, "exports")                -> exports/         (kg.export.build)

Importing ``kg`` is cheap: heavy libraries load only when a function needs them.
"""

__version__ = "0.1.0"
