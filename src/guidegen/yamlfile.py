"""Reading one YAML file into plain data plus a map from field path to line number.

PyYAML's composer gives nodes with positions; we build the Python values ourselves so that
every value keeps its line, duplicate keys are caught (PyYAML silently keeps the last one),
and an alias bomb or an oversized file fails fast instead of eating memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import GuideError, Problem

MAX_BYTES = 1_000_000
# A real guide has a few thousand nodes; aliases that expand past this are a bomb, not a guide.
MAX_NODES = 200_000
MAX_DEPTH = 64

Path_ = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"


@dataclass
class YamlDocument:
    """Plain data from one file, with the line of every key and list item."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)  # every mapping key, at any depth

    def line_of(self, path: Sequence[str | int]) -> int:
        """Line of `path`, or of its nearest ancestor that exists in the file."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), 1)


def _fail(file: str, line: int, message: str) -> GuideError:
    return GuideError([Problem(file, line, "", message)])


def _decode(raw: bytes, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise _fail(
            file, line, f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at column {column}); "
            "save the file as UTF-8"
        ) from None
    return text.removeprefix("\ufeff")


def _syntax_message(err: yaml.MarkedYAMLError) -> str:
    problem = err.problem or err.context or "invalid YAML"
    if "'\\t'" in problem or "\t" in problem:
        return "tab character; YAML indents and separates with spaces only"
    if err.context and err.problem:
        return f"YAML syntax error: {err.problem} ({err.context})"
    return f"YAML syntax error: {problem}"


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Loader(yaml.SafeLoader):
    """PyYAML's composer recurses once per nesting level: a file of a few thousand '[' would
    end in RecursionError (a traceback), so nesting is cut off at MAX_DEPTH while composing."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self._depth > MAX_DEPTH:
            raise _TooDeep(self.peek_event().start_mark.line + 1)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml parses about ten times faster than PyYAML's Python parser and caps nesting itself
# (it stops at 1000 levels with an error, not a crash); without it, _Loader cuts deep nesting.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, recording lines as it goes."""

    def __init__(self, doc: YamlDocument, fast: bool = False) -> None:
        self.doc, self.fast = doc, fast
        self.count = 0
        # A bare constructor, not a loader: a loader's parser refers to itself (reference
        # cycles), and its construct_object records every node it built, so each file's
        # nodes would outlive it as garbage only a full collection frees.
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if depth > MAX_DEPTH and self.fast:
            raise _TooDeep(node.start_mark.line + 1)  # the Python parser says it better
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _fail(
                self.doc.file, node.start_mark.line + 1,
                f"document expands to more than {MAX_NODES} values or {MAX_DEPTH} levels "
                "(YAML aliases?); write it out plainly",
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            out = []
            lines = self.doc.lines
            for index, item in enumerate(node.value):
                lines[(*path, index)] = item.start_mark.line + 1
                out.append(self._child(item, (*path, index), depth + 1))
            return out
        return self._scalar(node)

    def _child(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        """`build`, with a string (most values) taken in place: a call fewer per value."""
        if node.tag == _STR and type(node) is yaml.ScalarNode and depth <= MAX_DEPTH \
                and self.count < MAX_NODES:
            self.count += 1
            return node.value  # what SafeConstructor.construct_yaml_str returns
        return self.build(node, path, depth)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict:
        out: dict[str, Any] = {}
        lines, keys = self.doc.lines, self.doc.keys
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _fail(self.doc.file, line, "merge keys ('<<') are not supported; "
                            "use a reusable step or a variable instead")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _fail(self.doc.file, line, "a key must be a plain name, not a list or mapping")
            key = str(key_node.value)
            if key in out:
                raise _fail(self.doc.file, line,
                            f"duplicate key '{key}' (first at line {lines[(*path, key)]})")
            lines[(*path, key)] = line
            keys.add(key)
            out[key] = self._child(value_node, (*path, key), depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() not in ("true", "false"):
            # YAML 1.1 reads Yes/No/On/Off as booleans; in a UI guide they are option labels.
            return node.value
        if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return node.value
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as err:
            raise _fail(self.doc.file, node.start_mark.line + 1,
                        f"unreadable value: {err.problem}") from None


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Parse `path`; any problem raises GuideError with the file and line."""
    file = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(file, 1, f"file is {size / 1e6:.1f} MB; a step file may be at most "
                        f"{MAX_BYTES / 1e6:.0f} MB (split the guide)")
        raw = path.read_bytes()
    except OSError as err:
        raise _fail(file, 0, f"cannot read: {err.strerror}") from None
    text = _decode(raw, file)
    doc = _fast_path(text, file)
    if doc is not None:
        return doc
    try:
        root = yaml.compose(text, Loader=_Loader)
    except _TooDeep as err:
        raise _fail(file, err.line, f"nested more than {MAX_DEPTH} levels deep; "
                    "write it out plainly") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        raise _fail(file, mark.line + 1 if mark else 1, _syntax_message(err)) from None
    except yaml.YAMLError as err:
        raise _fail(file, 1, f"YAML error: {err}") from None
    if root is None:
        raise _fail(file, 1, "file is empty; expected a mapping of keys such as 'id' and 'title'")
    return _document(root, file)


def _fast_path(text: str, file: str) -> YamlDocument | None:
    """libyaml for files that are fine; None sends anything odd (a syntax error, deep
    nesting) down the Python parser, whose messages are the ones writers see."""
    if _FAST_LOADER is None:
        return None
    try:
        root = yaml.compose(text, Loader=_FAST_LOADER)
        return None if root is None else _document(root, file, fast=True)
    except (yaml.YAMLError, _TooDeep):
        return None


def _document(root: yaml.Node, file: str, fast: bool = False) -> YamlDocument:
    doc = YamlDocument(file, None, {(): root.start_mark.line + 1})
    doc.data = _Builder(doc, fast).build(root, ())
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"the value {doc.data!r}"
        raise _fail(file, doc.lines[()], f"expected a mapping at the top level, found {kind}")
    return doc
