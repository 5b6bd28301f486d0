"""The examples in docstrings run: every module of ``kg`` goes through doctest.

An example that no longer matches the code fails here, so docstrings cannot go stale
the way prose can.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "kg").rglob("*.py")
    if path.name != "__main__.py"  # running it would start the CLI
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_examples_exist() -> None:
    attempted = sum(
        doctest.testmod(importlib.import_module(name), verbose=False).attempted for name in MODULES
    )
    assert attempted >= 10
