"""The part of Azure's attribute-mapping expression language that default and guide mappings use.

Grammar: expr := call | "[" attribute "]" | "\"" text "\"" | <empty>;  call := Name "(" expr {"," expr} ")"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class ExpressionError(ValueError):
    pass


@dataclass(frozen=True)
class Attr:
    name: str


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Any, ...]


def _switch(source: Any, default: Any, *pairs: Any) -> Any:
    for key, value in zip(pairs[::2], pairs[1::2], strict=False):
        if str(source) == str(key):
            return value
    return default


def _join(separator: Any, *values: Any) -> str:
    return (separator or "").join(str(v) for v in values if v not in (None, ""))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "Switch": _switch,
    "Join": _join,
    "Append": lambda a, b: f"{a or ''}{b or ''}",
    "ToLower": lambda s, *_: None if s is None else str(s).lower(),
    "ToUpper": lambda s, *_: None if s is None else str(s).upper(),
    "Coalesce": lambda *values: next((v for v in values if v not in (None, "")), None),
    "Not": lambda b: str(str(b).lower() != "true"),
}

_TOKEN = re.compile(
    r'\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<attr>\[[^\]]*\])|(?P<name>[A-Za-z]\w*)|(?P<punct>[(),]))'
)


def parse(text: str) -> Any:
    tokens = _tokenize(text)
    node, rest = _expr(tokens, text)
    if rest:
        raise ExpressionError(f"Unexpected '{rest[0][1]}' in expression.")
    return node


def attributes_used(node: Any) -> set[str]:
    if isinstance(node, Attr):
        return {node.name}
    if isinstance(node, Call):
        return set().union(*(attributes_used(a) for a in node.args)) if node.args else set()
    return set()


def evaluate(node: Any, source: Mapping[str, Any]) -> Any:
    if isinstance(node, Attr):
        return source.get(node.name)
    if isinstance(node, Call):
        return FUNCTIONS[node.function](*(evaluate(a, source) for a in node.args))
    return node


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if not match:
            raise ExpressionError(f"The expression is not valid near '{text[position:].strip()[:20]}'.")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _expr(tokens: list[tuple[str, str]], text: str) -> tuple[Any, list[tuple[str, str]]]:
    if not tokens or tokens[0] in (("punct", ","), ("punct", ")")):
        return None, tokens  # an empty argument, as in Switch([IsSoftDeleted], , ...)
    kind, value = tokens[0]
    if kind == "string":
        return value[1:-1].replace('\\"', '"'), tokens[1:]
    if kind == "attr":
        return Attr(value[1:-1].strip()), tokens[1:]
    if kind == "name":
        if value not in FUNCTIONS:
            raise ExpressionError(f"The function '{value}' is not supported.")
        if len(tokens) < 2 or tokens[1] != ("punct", "("):
            raise ExpressionError(f"Expected '(' after {value}.")
        args, rest = [], tokens[2:]
        while True:
            arg, rest = _expr(rest, text)
            args.append(arg)
            if not rest:
                raise ExpressionError("The expression is missing a closing ')'.")
            if rest[0] == ("punct", ")"):
                return Call(value, tuple(args)), rest[1:]
            if rest[0] != ("punct", ","):
                raise ExpressionError(f"Unexpected '{rest[0][1]}' in expression.")
            rest = rest[1:]
    raise ExpressionError(f"Unexpected '{value}' in expression.")
