"""Curated YAML of a knowledge base (methods, lineage, aliases), read strictly.

- :mod:`kg.curation.strict_yaml`: YAML with no duplicate keys, anchors, aliases or tags,
  every node carrying its line, so errors name ``file:line:col``.
- :mod:`kg.curation.load`: the files into validated models, then resolved against the
  papers of the lists (unknown references, cycles, edges back in time).
"""
