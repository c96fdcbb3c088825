"""Names a package exports from its submodules, imported on first use (PEP 562): the one
``__getattr__`` of :mod:`jieshui_xl` and :mod:`jieshui_xl.returns`."""

from __future__ import annotations

import importlib
import sys
from typing import Callable

__all__ = ["lazy_names"]


def lazy_names(package: str, names: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package``: ``names`` maps a public name to the submodule (relative
    to the package) that defines it; the value is cached in the package once imported."""
    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{names[name]}", package), name)
        setattr(sys.modules[package], name, value)
        return value
    return __getattr__
