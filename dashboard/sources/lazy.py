"""What a source's spec names without importing it: its pane's columns and functions, imported on first use.

A spec is imported at every start (the registry loads them all); its view imports Rich and its rules the
insights, which a headless ``--record`` or a ``--once --format json`` never need. :func:`view_pane`
makes a :class:`~dashboard.registry.PaneSpec` of a view module's ``COLUMNS``, ``rows``, ``item``,
``detail`` and ``overview``; :func:`lazy` one function of a module, as for a spec's ``metrics``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any, cast, overload

from dashboard.registry import PaneSpec


def _attribute(path: str) -> Any:
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def lazy(path: str) -> Callable[..., Any]:
    """The function ``module:function``, imported when first called."""

    def run(*args: Any, **kwargs: Any) -> Any:
        return _attribute(path)(*args, **kwargs)

    run.__name__ = run.__qualname__ = path.partition(":")[2]
    return run


class LazyColumns(Sequence[Any]):
    """A view's columns (``module:COLUMNS``), imported when first read."""

    def __init__(self, path: str) -> None:
        self._path = path

    def _all(self) -> tuple[Any, ...]:
        found: tuple[Any, ...] = _attribute(self._path)
        return found

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


def view_pane(view: str, *, title: str, empty: str) -> PaneSpec:
    """The pane of the view module ``view``: its ``COLUMNS``, and its ``rows(data, now)``, ``item(data,
    key)``, ``detail(item, now)`` and ``overview(data, now)``, each imported when first used."""
    return PaneSpec(
        title=title,
        columns=cast(Any, LazyColumns(f"{view}:COLUMNS")),
        rows=lazy(f"{view}:rows"),
        item=lazy(f"{view}:item"),
        detail=lazy(f"{view}:detail"),
        empty=empty,
        overview=lazy(f"{view}:overview"),
    )
