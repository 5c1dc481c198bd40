"""Arithmetic in mapping files (`revenue = "quantity * price * (1 - discount)"`), parsed safely.

The text is tokenised and parsed here into a small tree of numbers, column names and the operators
`+ - * /` with parentheses. Nothing is evaluated by Python and no text from the file reaches SQL:
the tree is turned into SQL by `to_sql`, which asks the caller for the SQL of each column name
(and fails on a name it does not know) and writes numbers as numeric literals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from clientload.errors import ClientloadError
from clientload.messages import Message

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[^\W\d][\w.]*)"
    r"|`(?P<quoted>[^`]+)`"
    r"|(?P<op>[-+*/()]))"
)


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Unary:
    operand: Expr


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


Expr = Number | Name | Unary | Binary


def parse_expression(text: str, where: str = "expression") -> Expr:
    """Parse `text`; a ClientloadError names `where` and the position of anything else."""
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if not match or match.end() == position:
            raise ClientloadError(Message(
                "{where}: cannot read {part!r} in {text!r}; "
                "expected column names, numbers, + - * / and parentheses",
                where=where, part=stripped[position:].strip()[:20], text=text,
            ))
        kind = match.lastgroup or ""
        value = match.group(kind)
        tokens.append(("name" if kind == "quoted" else kind, value))
        position = match.end()
    parser = _Parser(tokens, text, where)
    tree = parser.sum()
    if parser.index != len(tokens):
        raise ClientloadError(Message("{where}: unexpected {token!r} in {text!r}", where=where,
                                      token=tokens[parser.index][1], text=text))
    return tree


class _Parser:
    """Recursive descent: sum := product (+|- product)*; product := unary (*|/ unary)*."""

    def __init__(self, tokens: list[tuple[str, str]], text: str, where: str) -> None:
        self.tokens, self.text, self.where, self.index = tokens, text, where, 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def sum(self) -> Expr:
        tree = self.product()
        while (tok := self._peek()) and tok[1] in "+-" and tok[0] == "op":
            self.index += 1
            tree = Binary(tok[1], tree, self.product())
        return tree

    def product(self) -> Expr:
        tree = self.unary()
        while (tok := self._peek()) and tok[1] in "*/" and tok[0] == "op":
            self.index += 1
            tree = Binary(tok[1], tree, self.unary())
        return tree

    def unary(self) -> Expr:
        tok = self._peek()
        if tok is None:
            raise ClientloadError(Message("{where}: {text!r} ends too early", where=self.where,
                                          text=self.text))
        self.index += 1
        kind, value = tok
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                raise ClientloadError(Message("{where}: number {value} is too large in "
                                              "{text!r}", where=self.where, value=value,
                                              text=self.text))
            return Number(number)
        if kind == "name":
            return Name(value)
        if value == "-":
            return Unary(self.unary())
        if value == "+":
            return self.unary()
        if value == "(":
            tree = self.sum()
            closing = self._peek()
            if closing != ("op", ")"):
                raise ClientloadError(Message("{where}: missing ')' in {text!r}",
                                              where=self.where, text=self.text))
            self.index += 1
            return tree
        raise ClientloadError(Message("{where}: unexpected {token!r} in {text!r}",
                                      where=self.where, token=value, text=self.text))


def names_in(tree: Expr) -> list[str]:
    """The column names the expression uses, in order of appearance."""
    if isinstance(tree, Name):
        return [tree.name]
    if isinstance(tree, Unary):
        return names_in(tree.operand)
    if isinstance(tree, Binary):
        return [*names_in(tree.left), *dict.fromkeys(names_in(tree.right))]
    return []


def to_sql(tree: Expr, column_sql: Callable[[str], str]) -> str:
    """SQL for the tree; `column_sql(name)` gives the (already safe) SQL of a column name."""
    if isinstance(tree, Number):
        return repr(float(tree.value))
    if isinstance(tree, Name):
        return column_sql(tree.name)
    if isinstance(tree, Unary):
        return f"(-{to_sql(tree.operand, column_sql)})"
    left, right = to_sql(tree.left, column_sql), to_sql(tree.right, column_sql)
    if tree.op == "/":
        return f"({left} / NULLIF({right}, 0))"
    return f"({left} {tree.op} {right})"
