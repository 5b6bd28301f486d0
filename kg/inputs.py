"""Reading input files (lists, curated YAML) with one set of limits and messages.

Inputs come from contributors: a file may be missing, huge, or not UTF-8. Each case gets
a :class:`~kg.errors.KgError` that names the file, so every reader behaves alike.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import IngestError, ParseError

__all__ = ["read_input_text"]


def read_input_text(path: str | Path, *, max_bytes: int) -> str:
    """Return the UTF-8 text of ``path``.

    Raises:
        IngestError: the file cannot be read or is larger than ``max_bytes``.
        ParseError: the file is not UTF-8 text.
    """
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            raise IngestError(f"{path}: larger than {max_bytes // 2**20} MiB; refusing to read it")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ParseError(f"not UTF-8 text ({err.reason})", source=path) from err
    except OSError as err:
        raise IngestError(f"cannot read {path}: {err.strerror}") from err
