"""The parser of :mod:`.fake_sql`: GoogleSQL SELECTs as tuples (``("col", path)``, ``("func", NAME, args)``,
``("cmp", op, a, b)``, ``("sub", Select)`` …)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TOKEN = re.compile(
    r"\s+|(?P<tick>`[^`]+`)|(?P<str>'(?:[^'\\]|\\.)*')|(?P<num>\d+(?:\.\d+)?)|(?P<param>@[A-Za-z_]\w*)"
    r"|(?P<ident>[A-Za-z_]\w*)|(?P<op>>=|<=|<>|!=|[=<>(),.+\-*/])"
)
_KEYWORDS = {
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "LIMIT", "AS", "AND", "OR", "NOT", "ASC", "DESC",
    "UNNEST", "IS", "NULL", "TRUE", "FALSE",
}  # fmt: skip

Node = tuple[Any, ...]


class SqlError(ValueError):
    """A query the evaluator does not understand (or that is wrong)."""


@dataclass
class Select:
    items: list[tuple[Node, str]]
    source: Node
    alias: str | None
    where: Node | None = None
    group: list[Node] = field(default_factory=list)
    order: list[tuple[Node, bool]] = field(default_factory=list)
    limit: int | None = None


def tokenize(sql: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(sql):
        match = _TOKEN.match(sql, pos)
        if match is None:
            raise SqlError(f"Syntax error: unexpected {sql[pos : pos + 10]!r}")
        pos = match.end()
        kind = match.lastgroup
        if kind is None:
            continue
        text = match.group(kind)
        if kind == "ident" and text.upper() in _KEYWORDS:
            out.append(("kw", text.upper()))
        else:
            out.append((kind, text))
    return out


class Parser:
    def __init__(self, sql: str) -> None:
        self.tokens = tokenize(sql)
        self.pos = 0

    def peek(self, *values: str) -> bool:
        if self.pos >= len(self.tokens):
            return False
        kind, text = self.tokens[self.pos]
        return kind in ("kw", "op") and text in values

    def take(self, *values: str) -> str:
        if not self.peek(*values):
            got = self.tokens[self.pos][1] if self.pos < len(self.tokens) else "end of query"
            raise SqlError(f"Syntax error: expected {' or '.join(values)}, got {got!r}")
        self.pos += 1
        return self.tokens[self.pos - 1][1]

    def next(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise SqlError("Syntax error: unexpected end of query")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def select(self) -> Select:
        self.take("SELECT")
        items = [self.item()]
        while self.peek(","):
            self.take(",")
            items.append(self.item())
        self.take("FROM")
        if self.peek("UNNEST"):
            self.take("UNNEST")
            self.take("(")
            source: Node = ("unnest", self.expr())
            self.take(")")
        else:
            kind, text = self.next()
            if kind != "tick":
                raise SqlError(f"Syntax error: expected a table, got {text!r}")
            source = ("table", text.strip("`"))
        alias = None
        if self.peek("AS"):
            self.take("AS")
            alias = self.next()[1]
        query = Select(items=items, source=source, alias=alias)
        if self.peek("WHERE"):
            self.take("WHERE")
            query.where = self.expr()
        if self.peek("GROUP"):
            self.take("GROUP")
            self.take("BY")
            query.group = [self.expr()]
            while self.peek(","):
                self.take(",")
                query.group.append(self.expr())
        if self.peek("ORDER"):
            self.take("ORDER")
            self.take("BY")
            query.order = [self.order_item()]
            while self.peek(","):
                self.take(",")
                query.order.append(self.order_item())
        if self.peek("LIMIT"):
            self.take("LIMIT")
            query.limit = int(self.next()[1])
        return query

    def item(self) -> tuple[Node, str]:
        node = self.expr()
        if self.peek("AS"):
            self.take("AS")
            return node, self.next()[1]
        if node[0] == "col":
            return node, node[1][-1]
        return node, f"f{self.pos}_"

    def order_item(self) -> tuple[Node, bool]:
        node = self.expr()
        if self.peek("ASC", "DESC"):
            return node, self.take("ASC", "DESC") == "DESC"
        return node, False

    def expr(self) -> Node:
        node = self.conjunction()
        while self.peek("OR"):
            self.take("OR")
            node = ("or", node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.negation()
        while self.peek("AND"):
            self.take("AND")
            node = ("and", node, self.negation())
        return node

    def negation(self) -> Node:
        if self.peek("NOT"):
            self.take("NOT")
            return ("not", self.negation())
        return self.comparison()

    def comparison(self) -> Node:
        node = self.sum()
        if self.peek("=", "!=", "<>", "<", "<=", ">", ">="):
            op = self.take("=", "!=", "<>", "<", "<=", ">", ">=")
            return ("cmp", op, node, self.sum())
        if self.peek("IS"):
            self.take("IS")
            negated = self.peek("NOT") and bool(self.take("NOT"))
            self.take("NULL")
            return ("isnull", node, negated)
        return node

    def sum(self) -> Node:
        node = self.term()
        while self.peek("+", "-"):
            op = self.take("+", "-")
            node = ("arith", op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.primary()
        while self.peek("*", "/"):
            op = self.take("*", "/")
            node = ("arith", op, node, self.primary())
        return node

    def primary(self) -> Node:
        kind, text = self.next()
        if kind == "num":
            return ("lit", float(text) if "." in text else int(text))
        if kind == "str":
            return ("lit", text[1:-1])
        if kind == "param":
            return ("param", text[1:])
        if kind == "kw" and text in ("TRUE", "FALSE", "NULL"):
            return ("lit", {"TRUE": True, "FALSE": False, "NULL": None}[text])
        if kind == "op" and text == "(":
            if self.peek("SELECT"):
                sub = self.select()
                self.take(")")
                return ("sub", sub)
            node = self.expr()
            self.take(")")
            return node
        if kind == "ident":
            if self.peek("("):
                self.take("(")
                args: list[Node] = []
                if not self.peek(")"):
                    args.append(self.expr())
                    while self.peek(","):
                        self.take(",")
                        args.append(self.expr())
                self.take(")")
                return ("func", text.upper(), args)
            path = [text]
            while self.peek("."):
                self.take(".")
                path.append(self.next()[1])
            return ("col", tuple(path))
        raise SqlError(f"Syntax error: unexpected {text!r}")
