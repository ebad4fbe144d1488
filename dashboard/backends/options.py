"""The options a backend declares (``[backend.options]`` in the config), the way harlequin's adapters
declare theirs: each option has a name, a description, a kind (text, path, number, flag, choice, list), a
default and an optional validator; gcpdash checks the user's values against them before the backend is
made, and the backend checks the rest itself (raising :class:`~dashboard.errors.UsageError`).

A backend declares them as ``OPTIONS``, an attribute of what its entry point names (its class, or its
``create`` function). Without ``OPTIONS`` a backend gets ``[backend.options]`` unchecked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import msgspec

from dashboard.errors import UsageError

__all__ = ["RESERVED", "BackendOption", "checked_options", "declared_options"]

Kind = Literal["text", "path", "number", "flag", "choice", "list"]

RESERVED = frozenset({"config", "clock"})
"""What gcpdash itself passes a backend's ``create`` besides the user's options: the effective
:class:`~dashboard.config.Config` and the :class:`~dashboard.clock.Clock` polls are stamped with."""


class BackendOption(msgspec.Struct, frozen=True, kw_only=True):
    """One option of a backend, set under ``[backend.options]``."""

    name: str
    """Its key in ``[backend.options]``: letters, digits and ``_``, not ``config`` or ``clock``."""
    description: str
    """What it does, for ``gcpdash --check`` and the backend's documentation."""
    kind: Kind = "text"
    """``text`` (a string), ``path`` (a string, given to the backend as a :class:`~pathlib.Path`),
    ``number`` (an int or a float), ``flag`` (true or false), ``choice`` (one of ``choices``), ``list``
    (strings)."""
    default: Any = None
    """Its value when not set; None with ``required``: it must be set."""
    required: bool = False
    choices: tuple[str, ...] = ()
    """A ``choice``'s allowed values."""
    validator: Callable[[Any], tuple[bool, str | None]] | None = None
    """``validator(value) -> (ok, message)``, as harlequin's: ``message`` says why a value is refused."""

    def check(self, backend: str, value: Any) -> Any:
        """``value`` as the backend gets it.

        Raises:
            UsageError: A value of the wrong kind, not one of the choices, or refused by the validator; the
                message names the backend and the option.
        """
        where = f"[backend.options] {self.name} (backend {backend!r})"
        value = _kind(self, value, where)
        if self.validator is not None:
            try:
                ok, message = self.validator(value)
            except Exception as exc:  # a validator that raises refuses the value
                ok, message = False, f"{type(exc).__name__}: {exc}"
            if not ok:
                raise UsageError(f"{where} = {value!r}: {message or 'not a valid value'}")
        return value


def _kind(option: BackendOption, value: Any, where: str) -> Any:
    """``value`` checked against ``option.kind`` (a path made a Path)."""
    kind = option.kind
    if kind in ("text", "choice", "path"):
        if not isinstance(value, str | os.PathLike):
            raise UsageError(f"{where}: give a string, not {value!r}")
        if kind == "choice" and value not in option.choices:
            raise UsageError(f"{where} = {value!r}: give one of {', '.join(option.choices)}")
        return Path(value) if kind == "path" else value
    if kind == "number":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise UsageError(f"{where}: give a number, not {value!r}")
        return value
    if kind == "flag":
        if not isinstance(value, bool):
            raise UsageError(f"{where}: give true or false, not {value!r}")
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: give a list of strings, not {value!r}")
    return tuple(value)


def declared_options(factory: object) -> tuple[BackendOption, ...] | None:
    """The options a backend's entry point declares (its ``OPTIONS``), or None when it declares none.

    Raises:
        UsageError: ``OPTIONS`` that is not a sequence of :class:`BackendOption`.
    """
    found = getattr(factory, "OPTIONS", None)
    if found is None:
        return None
    if not isinstance(found, Sequence) or not all(isinstance(o, BackendOption) for o in found):
        raise UsageError(f"{factory!r}: OPTIONS must be a sequence of BackendOption")
    return tuple(found)


def checked_options(
    backend: str, declared: Sequence[BackendOption] | None, given: Mapping[str, Any]
) -> dict[str, Any]:
    """The options ``backend`` is made with: ``given`` (``[backend.options]``) checked against what it
    declares, with the defaults of those not given; ``given`` as it is when it declares nothing.

    Raises:
        UsageError: An option it does not declare (the message lists those it does), one of the reserved
            names, a required one missing, or a value refused (:meth:`BackendOption.check`).
    """
    reserved = sorted(RESERVED & set(given))
    if reserved:
        raise UsageError(f"[backend.options] {reserved[0]}: gcpdash sets it itself; use another name")
    if declared is None:
        return dict(given)
    known = {option.name: option for option in declared}
    unknown = sorted(set(given) - set(known))
    if unknown:
        takes = ", ".join(known) if known else "no options"
        raise UsageError(f"[backend.options] {unknown[0]}: backend {backend!r} takes {takes}")
    options: dict[str, Any] = {}
    for name, option in known.items():
        if name in given:
            options[name] = option.check(backend, given[name])
        elif option.required:
            raise UsageError(f"[backend.options] {name}: backend {backend!r} needs it ({option.description})")
        elif option.default is not None:
            options[name] = option.check(backend, option.default)
    return options
