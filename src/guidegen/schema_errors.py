"""Turns pydantic's validation errors into writers' messages with a line and a did-you-mean."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem, did_you_mean, format_path
from .model import ACTIONS, TAG
from .yamlfile import YamlDocument

_TYPE_WORDS = {
    "string_type": "a string", "int_type": "a whole number", "int_parsing": "a whole number",
    "float_type": "a number", "float_parsing": "a number", "bool_type": "true or false",
    "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
    "model_type": "a mapping", "model_attributes_type": "a mapping",
}


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types behind Annotated, Optional and unions."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(tp) for t in _unwrap(arg)]
    return [tp]


def _tagged(tp: Any, tag: str) -> Any:
    """The member of a tagged union whose Tag is `tag`."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        if any(getattr(m, "tag", None) == tag for m in meta):
            return base
        return _tagged(base, tag)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            found = _tagged(arg, tag)
            if found is not None:
                return found
    return None


def _keys_at(root: type[BaseModel], loc: tuple) -> list[str]:
    """Keys allowed by the model that `loc` points into (for did-you-mean on unknown keys)."""
    current: Any = root
    for part in loc:
        if isinstance(part, str) and part.startswith(TAG):
            current = _tagged(current, part)
            continue
        nxt = None
        for tp in _unwrap(current):
            if isinstance(part, int) and typing.get_origin(tp) is list:
                nxt = typing.get_args(tp)[0]
            elif isinstance(part, str) and isinstance(tp, type) and issubclass(tp, BaseModel):
                field = next((f for n, f in tp.model_fields.items() if (f.alias or n) == part), None)
                nxt = field.annotation if field else None
            elif isinstance(part, str) and typing.get_origin(tp) is dict:
                nxt = typing.get_args(tp)[1]
            if nxt is not None:
                break
        if nxt is None:
            return []
        current = nxt
    for tp in _unwrap(current):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [f.alias or n for n, f in tp.model_fields.items()]
    return []


def _message(err: dict, root: type[BaseModel], loc: tuple) -> str:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    if kind == "extra_forbidden":
        key = loc[-1]
        return f"unknown key '{key}'{did_you_mean(key, _keys_at(root, err['loc'][:-1]))}"
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    if kind == "unknown_action":
        names = ", ".join(ACTIONS)
        if isinstance(value, dict) and value:
            found = [k for k in value if k in ACTIONS]
            if len(found) > 1:
                return f"one action per list item, found {', '.join(found)}"
            key = next(iter(value))
            return f"unknown action '{key}'{did_you_mean(key, ACTIONS)}; actions are: {names}"
        return f"expected an action such as 'click: {{role: button, name: Save}}', got {_kind(value)}"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        if allowed == ["all"]:
            return f"expected 'all' or a list of plan ids such as [{value}], got {_kind(value)}"
        shown = ", ".join(allowed[:8]) + (", ..." if len(allowed) > 8 else "")
        return f"{_kind(value)} is not one of: {shown}{did_you_mean(value, allowed)}"
    if kind == "string_pattern_mismatch":
        if "\\." in str(ctx.get("pattern", "")):
            return (f"{_kind(value)} is not a control reference: write '<page>.<control>', "
                    "a control declared in steps/pages/<page>.yml")
        if str(ctx.get("pattern", "")).startswith("^[a-z]{2,3}"):
            return f"{_kind(value)} is not a language code such as 'de' or 'de-CH'"
        if str(ctx.get("pattern", "")).startswith("^[0-9a-f]{12}"):
            return (f"{_kind(value)} is not a source hash; `guidegen translations stamp` "
                    "writes it")
        if str(ctx.get("pattern", "")).startswith("^[a-z0-9]"):
            return f"{_kind(value)} is not a valid id: use lowercase letters, digits and hyphens"
        return f"{_kind(value)} is not a valid name: use letters, digits and underscores"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}, got {_kind(value)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "too_short" and isinstance(value, (list, dict)):
        return "must not be empty"
    return err["msg"][0].lower() + err["msg"][1:]


def problems_from(error: ValidationError, doc: YamlDocument,
                  root: type[BaseModel]) -> list[Problem]:
    """One Problem per pydantic error, at the line of the key it is about."""
    out = []
    for err in error.errors():
        # Tags of tagged unions and pydantic's '[key]' marker (a bad mapping key) are not
        # fields a writer wrote. The last part of an unknown or a missing key's place is
        # that key, as written, even one that looks like a tag ('§').
        raw, key = err["loc"], err["type"] in ("extra_forbidden", "missing")
        loc = tuple(p for p in (raw[:-1] if key else raw)
                    if not (isinstance(p, str) and (p.startswith(TAG) or p == "[key]")))
        loc += tuple(raw[-1:]) if key else ()
        message = _message(err, root, loc)
        field_loc = loc[:-1] if err["type"] == "missing" else loc
        out.append(Problem(doc.file, doc.line_of(loc), format_path(field_loc) or "(top)", message))
    return out
