"""SQL text normalized so that the same query written with other spacing or comments compares equal.

Strings and quoted identifiers are kept exactly (``'A'`` and ``'a'`` are different queries); comments
(``--``, ``#`` and ``/* */``) go, and every run of whitespace becomes one space. Nothing is interpreted.
"""

from __future__ import annotations

import re

_TOKENS = re.compile(
    r"""(?P<keep>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`)"""
    r"""|(?P<drop>(?:--[^\n]*|\#[^\n]*|/\*.*?\*/|\s+)+)""",
    re.DOTALL,
)


def _replace(match: re.Match[str]) -> str:
    return match.group("keep") or " "


def normalize(sql: str) -> str:
    """``sql`` without comments, with single spaces, without a trailing semicolon."""
    return _TOKENS.sub(_replace, sql).strip().rstrip(";").rstrip()


def is_select(normal: str) -> bool:
    """True for a query (``SELECT`` or ``WITH … SELECT``): what BigQuery's result cache can serve."""
    head = normal[:6].upper()
    return head.startswith(("SELECT", "WITH", "("))
