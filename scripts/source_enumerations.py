"""Counts the places in gcpdash's code that enumerate sources by name, outside the source packages
(``dashboard/sources/<name>/``) and the registry (``dashboard/registry.py``).

A *place* is the smallest function, class or module-level statement whose code names two or more of the
built-in sources: as a string (``"dataproc"``), an attribute or keyword (``snapshot.dataflow``), a class
or function of one (``DataprocData``, ``dataflow_section``), or a module of one
(``dashboard.cost.dataproc``); BigQuery's jobs as ``"jobs"`` or ``bigquery``. Code that loops over the
registry names none, so it is not counted; a table, an if-chain or a list of sections that spells the
sources out is. One line per place with ``--list``; the total last.

    python scripts/source_enumerations.py [--list] [PATH ...]
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("jobs", "reservations", "dataproc", "dataflow", "billing")
DEFAULT_PATHS = ("dashboard", "widgets")
EXEMPT = (re.compile(r"^dashboard/sources/[^/]+/"), re.compile(r"^dashboard/registry\.py$"))
IDENTIFIER_WORDS = {
    "bigquery": "jobs",
    "reservation": "reservations",
    "reservations": "reservations",
    "dataproc": "dataproc",
    "dataflow": "dataflow",
    "billing": "billing",
}
"""Words of an identifier that name a source (``jobs`` alone does not: Dataproc and Dataflow have jobs)."""


def _words(identifier: str) -> set[str]:
    """The lower-case words of an identifier: ``DataprocData`` → dataproc, data; ``jobs_section`` → jobs."""
    parts = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", identifier).lower().replace(".", "_").split("_")
    return {p for p in parts if p}


def names_in(node: ast.AST) -> set[str]:
    """The built-in sources ``node``'s code names."""
    found: set[str] = set()
    for sub in ast.walk(node):
        texts: list[str] = []
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            if sub.value in SOURCES:
                found.add(sub.value)
            continue
        if isinstance(sub, ast.Attribute):
            texts.append(sub.attr)
        elif isinstance(sub, ast.Name):
            texts.append(sub.id)
        elif isinstance(sub, ast.keyword) and sub.arg:
            texts.append(sub.arg)
        elif isinstance(sub, ast.alias):
            texts.append(sub.asname or sub.name)
        elif isinstance(sub, ast.ImportFrom) and sub.module:
            texts.append(sub.module)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            texts.append(sub.name)
        elif isinstance(sub, ast.arg):
            texts.append(sub.arg)
        for text in texts:
            found.update(IDENTIFIER_WORDS[w] for w in _words(text) if w in IDENTIFIER_WORDS)
    return found


def places(tree: ast.Module) -> Iterator[tuple[int, str, set[str]]]:
    """Each smallest def, class or module-level statement naming two or more sources: line, label, names."""

    def visit(node: ast.AST, label: str) -> Iterator[tuple[int, str, set[str]]]:
        body = getattr(node, "body", None)
        defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        inner = [n for n in body or () if isinstance(n, defs)]
        counted = False
        for child in inner:
            for found in visit(child, f"{label}.{child.name}" if label else child.name):
                counted = True
                yield found
        if counted and isinstance(node, ast.ClassDef):
            return
        rest = [n for n in body or () if n not in inner] if body is not None else [node]
        if isinstance(node, ast.Module):
            for statement in node.body:
                if statement in inner:
                    continue
                names = names_in(statement)
                if len(names) >= 2:
                    yield statement.lineno, _statement_label(statement), names
            return
        names = set().union(*(names_in(n) for n in rest)) if rest else set()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names |= set().union(*(names_in(a) for a in ast.walk(node.args) if isinstance(a, ast.AST)))
        if len(names) >= 2:
            yield getattr(node, "lineno", 0), label, names

    yield from visit(tree, "")


def _statement_label(statement: ast.stmt) -> str:
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
        return ast.unparse(target)
    return type(statement).__name__.lower()


def files(paths: list[str]) -> Iterator[Path]:
    for name in paths:
        path = ROOT / name
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every place")
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    args = parser.parse_args(argv)
    total, touched = 0, set()
    for path in files(args.paths):
        rel = path.relative_to(ROOT).as_posix()
        if any(p.search(rel) for p in EXEMPT):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for line, label, names in places(tree):
            total += 1
            touched.add(rel)
            if args.list:
                print(f"{rel}:{line}: {label or '<module>'} ({', '.join(sorted(names))})")
    print(f"{total} places in {len(touched)} files enumerate sources by name")
    return 0


if __name__ == "__main__":
    sys.exit(main())
