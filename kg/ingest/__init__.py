"""Reading input files into models: one reader per format, and what readers share.

- :mod:`kg.ingest.markdown`: paper lists in Markdown.
- :mod:`kg.ingest.files`: safe reading of an input file (UTF-8, sizes, errors at file:line).
- :mod:`kg.ingest.links`, :mod:`kg.ingest.venues`: classifying links, normalising venues.
- :mod:`kg.ingest.identity`: one person per real author across spelling variants.
"""
