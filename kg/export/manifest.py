"""The manifest of a build: ``<out>/.manifest.json`` lists every file with its size and SHA-256.

Written last by :mod:`kg.export.swap`, without a timestamp or build id so that it is
as deterministic as the files it lists. A reader that wants to know it sees one complete
build checks the folder with :func:`verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

__all__ = ["MANIFEST_NAME", "manifest_bytes", "merged_manifest", "read_manifest", "verify"]

#: The manifest's name inside the output folder.
MANIFEST_NAME = ".manifest.json"
_FORMAT = "lineage-kg build manifest 1"


def merged_manifest(out: Path, digests: Mapping[str, tuple[int, str]]) -> dict[str, object]:
    """The new files' entries plus the previous manifest's for files kept as they were."""
    files: dict[str, dict[str, object]] = {}
    previous = read_manifest(out)
    if previous is not None:
        for name, entry in previous.items():
            if name not in digests and (out / name).is_file():
                files[name] = entry
    for name, (size, sha256) in digests.items():
        files[name] = {"bytes": size, "sha256": sha256}
    return {"format": _FORMAT, "files": dict(sorted(files.items()))}


def manifest_bytes(manifest: Mapping[str, object]) -> bytes:
    """The manifest as written: sorted, indented JSON."""
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()


def read_manifest(out: str | Path) -> dict[str, dict[str, object]] | None:
    """The files listed by ``out``'s manifest (name -> bytes, sha256), or None if it has none."""
    try:
        data = json.loads((Path(out) / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if data.get("format") != _FORMAT or not isinstance(files, dict):
        return None
    return {str(k): v for k, v in files.items() if isinstance(v, dict)}


def verify(out: str | Path) -> list[str]:
    """What is wrong with ``out`` as one complete build: [] when every listed file matches."""
    files = read_manifest(out)
    if files is None:
        return [f"{Path(out) / MANIFEST_NAME}: missing or unreadable (a build was interrupted?)"]
    problems = []
    for name, entry in files.items():
        try:
            data = (Path(out) / name).read_bytes()
        except OSError as err:
            problems.append(f"{name}: {err.strerror}")
            continue
        if len(data) != entry.get("bytes") or hashlib.sha256(data).hexdigest() != entry.get(
            "sha256"
        ):
            problems.append(f"{name}: does not match the manifest")
    return problems
