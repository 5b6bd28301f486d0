"""Lineage: which works build on which, walked both ways, and suggestions of new edges.

- :mod:`kg.lineage.works`: the index of papers and methods, and name lookup.
- :mod:`kg.lineage.walks`: ancestors, descendants, and their text, JSON and Mermaid forms.
- :mod:`kg.lineage.suggest`: ranked, explained suggestions not yet curated.
"""
