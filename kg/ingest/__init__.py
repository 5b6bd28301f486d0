"""Input parsers, one module per list format; each yields :class:`ListDocument`."""

from kg.ingest.markdown import ListDocument, parse_markdown, read_markdown

__all__ = ["ListDocument", "parse_markdown", "read_markdown"]
