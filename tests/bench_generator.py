"""``benchmarks/generate.py`` as a module, loaded once, for the tests that build synthetic lists.

The benchmarks are scripts, not a package; tests that need the generator of the scale
benchmark (the same synthetic papers, people and curation) load it from its file here.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def generator() -> ModuleType:
    """The module ``benchmarks/generate.py`` (``generate``, ``write_corpus``, ...)."""
    spec = importlib.util.spec_from_file_location(
        "bench_generate", ROOT / "benchmarks" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while decorating
    spec.loader.exec_module(module)
    return module
