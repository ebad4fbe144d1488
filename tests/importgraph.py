"""The import graph of gcpdash's own packages, read statically with ``ast`` (nothing is imported).

Every ``.py`` file under each package folder is a module of the graph, so a package added later (say
``dashboard/sources/<name>/``) is in it with no change here. Each import is an edge from the module that
writes it to the module it names, with how it runs:

- ``runtime``: at module level (also under ``try``/``if``/``class``), run when the module is imported;
- ``type_checking``: under ``if TYPE_CHECKING:``, never run (it does not count for cycles or reach);
- ``lazy``: inside a function, run when the function is called.

Relative imports are resolved, and ``from pkg import name`` is an edge to ``pkg.name`` as well when that
is one of our modules (``from dashboard import session``). Imports by a computed name
(``importlib.import_module``) cannot be read: :attr:`ImportGraph.dynamic` lists where they are, and
:meth:`ImportGraph.computed` adds what they import, as the caller knows it.

Importing ``a.b.c`` also runs ``a`` and ``a.b``: :meth:`ImportGraph.reach` follows those package edges
too, :meth:`ImportGraph.cycles` does not (a module importing its own package's ``__init__`` is only a
cycle when it names it).
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

Kind = Literal["runtime", "type_checking", "lazy"]
RUNNING: frozenset[Kind] = frozenset({"runtime", "lazy"})
"""The kinds of import that can run: what reach follows by default."""


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` (a full module name, ours or not) at ``line``, of ``kind``; line 0:
    ``target`` is a package of ``source``, run before it."""

    source: str
    target: str
    kind: Kind
    line: int

    def __str__(self) -> str:
        if self.line == 0:
            return f"{self.target} (package of {self.source})"
        return f"{self.target} ({self.kind}, {self.source}:{self.line})"


@dataclass(frozen=True)
class Chain:
    """How ``start`` reaches ``end``: the edges in order (empty when ``start`` is ``end``)."""

    start: str
    edges: tuple[Edge, ...]

    @property
    def end(self) -> str:
        return self.edges[-1].target if self.edges else self.start

    def __str__(self) -> str:
        if not self.edges:
            return self.start
        return " -> ".join([self.start, *(str(edge) for edge in self.edges)])


@dataclass
class ImportGraph:
    """Our modules (name -> file, relative to ``root``) and every import they write."""

    root: Path
    files: dict[str, Path] = field(default_factory=dict)
    edges: dict[str, list[Edge]] = field(default_factory=dict)
    dynamic: dict[str, list[int]] = field(default_factory=dict)
    """Per module, the lines that call ``importlib.import_module`` or ``__import__``: imports by a name
    computed at run time, which the graph cannot read (see :meth:`computed`)."""

    def path(self, module: str) -> str:
        """``module``'s file relative to the root, POSIX style (``widgets/table.py``)."""
        return self.files[module].relative_to(self.root).as_posix()

    def matching(self, patterns: Iterable[str]) -> list[str]:
        """Our modules whose file matches one of ``patterns`` (``fnmatch``: ``*`` crosses folders)."""
        pats = tuple(patterns)
        return sorted(m for m in self.files if any(fnmatchcase(self.path(m), p) for p in pats))

    def reach(self, start: str, forbidden: Sequence[str], kinds: frozenset[Kind] = RUNNING) -> list[Chain]:
        """For each of ``forbidden`` that ``start`` reaches (itself or a module inside it: ``"textual"``
        covers ``textual.app``), the shortest chain there, following ``kinds`` of edge and the packages
        every import runs. A forbidden module of ours is not followed further."""
        found: dict[str, Chain] = {}
        seen = {start}
        queue: deque[Chain] = deque([Chain(start, ())])
        while queue:
            chain = queue.popleft()
            for edge in self._running(chain.end, kinds):
                if edge.target in seen:
                    continue
                seen.add(edge.target)
                longer = Chain(start, (*chain.edges, edge))
                hit = next((p for p in forbidden if _inside(edge.target, (p,))), None)
                if hit is not None:
                    found.setdefault(hit, longer)
                elif edge.target in self.files:
                    queue.append(longer)
        return [found[name] for name in forbidden if name in found]

    def _running(self, module: str, kinds: frozenset[Kind]) -> Iterator[Edge]:
        """``module``'s edges of ``kinds``, and before each one to a module of ours the edges to the
        packages that import runs first (``import a.b.c`` runs ``a`` and ``a.b``), its own included."""
        for parent in _parents(module):
            if parent in self.files:
                yield Edge(module, parent, "runtime", 0)
        for edge in self.edges.get(module, ()):
            if edge.kind in kinds:
                yield edge

    def computed(self, module: str, targets: Iterable[str]) -> None:
        """``module`` imports ``targets`` by computed names (lazy edges at its first such call): each an
        ``fnmatch`` pattern on our modules' names (``pkg.grpc_*``), or an outside module's name."""
        line = (self.dynamic.get(module) or [0])[0]
        for target in targets:
            ours = [m for m in sorted(self.files) if fnmatchcase(m, target) and m != module]
            for name in ours or ([] if set(target) & set("*?[") else [target]):
                self.edges[module].append(Edge(module, name, "lazy", line))

    def cycles(self) -> list[list[str]]:
        """Each cycle of runtime imports among our modules, one per strongly connected component (its
        shortest cycle through its first module, which ends where it starts), sorted."""
        succ: dict[str, set[str]] = {m: set() for m in self.files}
        for module, edges in self.edges.items():
            for edge in edges:
                if edge.kind == "runtime" and edge.target in self.files:
                    succ[module].add(edge.target)
        found = []
        for component in _components(succ):
            first = min(component)
            if len(component) > 1 or first in succ[first]:
                found.append(_shortest_cycle(first, succ, component))
        return sorted(found)


def build(root: Path, packages: Iterable[str]) -> ImportGraph:
    """The import graph of every module under ``root/<package>`` for each of ``packages``."""
    graph = ImportGraph(root)
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            graph.files[".".join(parts)] = path
    for module, path in graph.files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph.edges[module] = list(_Collector(module, is_package, set(graph.files)).collect(tree))
        graph.dynamic[module] = sorted(
            node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call) and _is_dynamic(node.func)
        )
    return graph


def _inside(name: str, prefixes: Sequence[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _parents(module: str) -> list[str]:
    """``a.b.c`` -> ``["a", "a.b"]``."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


class _Collector:
    """The edges one module writes."""

    def __init__(self, module: str, is_package: bool, ours: set[str]) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.ours = ours

    def collect(self, tree: ast.Module) -> Iterator[Edge]:
        yield from self._walk(tree.body, "runtime")

    def _walk(self, body: Iterable[ast.stmt], kind: Kind) -> Iterator[Edge]:
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Edge(self.module, alias.name, kind, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                yield from self._from(node, kind)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from self._walk(node.body, "lazy" if kind == "runtime" else kind)
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from self._walk(node.body, "type_checking")
                yield from self._walk(node.orelse, kind)
            else:
                # class bodies, try/with/for/while/if/match blocks: their statements run with the module
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        yield from self._walk([child], kind)
                    elif isinstance(child, ast.ExceptHandler | ast.match_case):
                        yield from self._walk(child.body, kind)

    def _from(self, node: ast.ImportFrom, kind: Kind) -> Iterator[Edge]:
        if node.level:
            parts = self.package.split(".")
            base = parts[: len(parts) - (node.level - 1)]
            name = ".".join([*base, node.module] if node.module else base)
        else:
            name = node.module or ""
        yield Edge(self.module, name, kind, node.lineno)
        for alias in node.names:
            if f"{name}.{alias.name}" in self.ours:
                yield Edge(self.module, f"{name}.{alias.name}", kind, node.lineno)


def _is_dynamic(func: ast.expr) -> bool:
    """``import_module``, ``importlib.import_module`` or ``__import__``."""
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in ("import_module", "__import__")


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING``."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _components(succ: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of ``succ`` (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []
    for root in sorted(succ):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(succ[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(succ[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                out.append(component)
    return out


def _shortest_cycle(first: str, succ: dict[str, set[str]], within: set[str]) -> list[str]:
    """The shortest path from ``first`` back to itself inside ``within``: ``[first, ..., first]``."""
    came_from: dict[str, str] = {}
    queue: deque[str] = deque([first])
    while queue:
        node = queue.popleft()
        for child in sorted(succ[node] & within):
            if child == first:
                path = [node]
                while path[-1] != first:
                    path.append(came_from[path[-1]])
                return [*reversed(path), first]
            if child not in came_from:
                came_from[child] = node
                queue.append(child)
    raise AssertionError(f"{first} is on no cycle")
