"""read_input_text: every file that is not UTF-8 is refused at the line and column it breaks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kg.errors import IngestError, ParseError
from kg.ingest.files import read_input_text


def refused(path: Path) -> ParseError:
    with pytest.raises(ParseError) as info:
        read_input_text(path, max_bytes=2**20)
    return info.value


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        ("a: Caf\xe9\n".encode("latin-1"), 1, 7),
        (b"a: 1\r\nb: 2\rc: \xff\n", 3, 4),  # CRLF and a lone CR each end one line
        ("x: \u00e9\u00e9\n".encode() + b"y: \xed\xa0\x80\n", 2, 4),  # an encoded surrogate
        (b"z" * 20_000 + b"\n\n  \x80", 3, 3),  # past read_text's first chunk
    ],
)
def test_undecodable_bytes_are_placed(tmp_path: Path, data: bytes, line: int, column: int) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(data)
    err = refused(path)
    assert (err.source, err.line, err.column) == (str(path), line, column)
    assert str(err).startswith(f"{path}:{line}:{column}: not UTF-8 text (")


def test_too_large_and_missing_files_are_ingest_errors(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(IngestError, match="larger than 0 MiB"):
        read_input_text(path, max_bytes=1024)
    with pytest.raises(IngestError, match="cannot read .*nope.yaml"):
        read_input_text(tmp_path / "nope.yaml", max_bytes=1024)


def test_utf8_text_is_read_with_universal_newlines(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_bytes("a: \u00e9\r\nb: 2\r".encode())
    assert read_input_text(path, max_bytes=1024) == "a: \u00e9\nb: 2\n"


def test_the_readers_caches_are_emptied_once_every_input_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import functools
    import sys

    import kg.pipeline
    from kg.ingest.registry import clear_reader_caches, read_input

    def caches() -> list[functools._lru_cache_wrapper[object]]:
        return [
            value
            for name, module in list(sys.modules.items())
            if name.startswith("kg.ingest.")
            for value in vars(module).values()
            if isinstance(value, functools._lru_cache_wrapper)
        ]

    read_input(Path("data/awesome-paper-list-synthetic-data.md"))
    assert sum(1 for c in caches() if c.cache_info().currsize) >= 5  # the readers memoise
    clear_reader_caches()
    assert [c for c in caches() if c.cache_info().currsize] == []
    # The pipeline clears them after reading its inputs, before anything else.
    calls: list[str] = []

    def reading(*args: Any, **kwargs: Any) -> Any:
        calls.append("read")
        return read_input(*args, **kwargs)

    monkeypatch.setattr(kg.pipeline, "read_input", reading)
    monkeypatch.setattr(kg.pipeline, "clear_reader_caches", lambda: calls.append("clear"))
    kg.pipeline.build_knowledge_base([Path("data/awesome-paper-list-synthetic-data.md")] * 2)
    assert calls == ["read", "read", "clear"]
