"""List public classes, functions and methods without a docstring.

Usage: ``python tools/check_docstrings.py mssbench_embodied [-v]`` (-v lists each one). Public means
a name without a leading underscore, at module level or inside a public class. Exits 1 if any lacks one.
"""
from __future__ import annotations

import ast
import collections
import sys
from pathlib import Path

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _public_definitions(node: ast.AST, prefix: str = "") -> list[tuple[str, Definition]]:
    """(qualified name, node) of the public definitions under ``node``, public classes recursed into."""
    out: list[tuple[str, Definition]] = []
    for ch in ast.iter_child_nodes(node):
        if isinstance(ch, Definition) and not ch.name.startswith("_"):
            out.append((prefix + ch.name, ch))
            if isinstance(ch, ast.ClassDef):
                out.extend(_public_definitions(ch, f"{prefix}{ch.name}."))
    return out


def missing_docstrings(root: Path) -> tuple[list[str], int]:
    """("path:line qualname" of each public definition without a docstring, number of public definitions)."""
    missing: list[str] = []
    total = 0
    for path in sorted(Path(root).rglob("*.py")):
        for name, node in _public_definitions(ast.parse(path.read_text())):
            total += 1
            if ast.get_docstring(node) is None:
                missing.append(f"{path}:{node.lineno} {name}")
    return missing, total


def main(argv: list[str]) -> int:
    """Print the count, the count per file and (with -v) each definition; 1 if any lacks a docstring."""
    missing, total = missing_docstrings(Path(argv[0]))
    print(f"{len(missing)} of {total} public definitions lack a docstring")
    per_file = collections.Counter(m.split(":", 1)[0] for m in missing)
    for f, n in per_file.most_common():
        print(n, f)
    if "-v" in argv:
        print("\n".join(missing))
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
