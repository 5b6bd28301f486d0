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
        line, column = _first_undecodable(path)
        raise ParseError(
            f"not UTF-8 text ({err.reason})", source=path, line=line, column=column
        ) from err
    except OSError as err:
        raise IngestError(f"cannot read {path}: {err.strerror}") from err


def _first_undecodable(path: Path) -> tuple[int | None, int | None]:
    """Line and column of the first byte of ``path`` that is not UTF-8, as the text counts them.

    ``read_text`` decodes in chunks, so its error's offset is into a chunk, not the file;
    the file is decoded again whole (only on this error path) to find the place. Lines
    are counted after universal-newline translation, as every other reader counts them.
    """
    try:
        raw = path.read_bytes()
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        return before.count("\n") + 1, len(before) - before.rfind("\n")
    except OSError:
        pass
    return None, None  # the file changed or vanished since: no place to give
