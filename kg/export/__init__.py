"""Every file a build writes, all replaced together or none.

- :mod:`kg.export.build`: the build of all exports and views (``build_exports``).
- :mod:`kg.export.rdf_formats`: Turtle, N-Triples and JSON-LD, canonical and deterministic.
- :mod:`kg.export.graphml`: GraphML for Gephi, Cytoscape, igraph and networkx.
- :mod:`kg.export.atomic`: staged files, fsynced, then moved into place.
"""
