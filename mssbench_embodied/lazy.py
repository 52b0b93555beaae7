"""Lazy package exports: a package names what it exports and where, and loads each module on first use."""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(namespace: dict[str, Any], exports: Mapping[str, str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module-level `__getattr__` and `__dir__` for the package whose `globals()` is `namespace`.

    `exports` maps a public name to the submodule defining it (`""` for a submodule exported under
    its own name). `dir()` lists the package's bound names and its `__all__`.
    """
    package = str(namespace["__name__"])

    def getattr_(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if module == "":
            return importlib.import_module(f".{name}", package)
        return getattr(importlib.import_module(f".{module}", package), name)

    def dir_() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return getattr_, dir_
