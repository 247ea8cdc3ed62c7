"""Safe YAML reading with line numbers, shared by case files and rule files.

A document is composed into YAML nodes (never constructed into arbitrary
objects), checked against hard limits, and turned into plain Python data while
a :class:`Locator` remembers the line of every key and value. Anything the
reader refuses becomes one :class:`~cec_advisor.errors.LocatedError` line.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cec_advisor.errors import LocatedError
from cec_advisor.io.fileio import NotARegularFileError, read_regular

MAX_BYTES = 256 * 1024
"""Largest YAML file accepted; real case and rule files are a few kilobytes."""

MAX_NODES = 20_000
"""Most YAML nodes a document may expand to, counting every alias use (stops alias bombs)."""

MAX_DEPTH = 32
"""Deepest nesting accepted."""

MAX_KEY_LENGTH = 1024
"""Longest key YAML allows written without ``? ``: an implicit key must fit in 1024 characters (YAML 1.1 and 1.2)."""

YAML11_BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off"})
"""Words YAML 1.1 reads as booleans (in any capitalisation) but YAML 1.2 reads as text: refused unquoted."""

SafeComposer: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's C loader when PyYAML has it (10x faster, same nodes and marks), else the pure-Python one."""

_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)

PathKey = tuple[str | int, ...]
ErrorFactory = Callable[[str, int | None, str | None, str], LocatedError]


@dataclass
class Locator:
    """Line numbers (1-based) of the keys and values of one parsed document."""

    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """Return the line of ``path``, or of its nearest located ancestor."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


@dataclass(frozen=True)
class YamlDocument:
    """Plain data parsed from one YAML file, with the locator for its lines."""

    data: Any
    locator: Locator


def read_yaml(path: Path, make_error: ErrorFactory, *, display: str | None = None) -> YamlDocument:
    """Read ``path`` (``-`` for standard input) as one safe YAML document.

    Refuses, through ``make_error``: missing or unreadable files, files over
    :data:`MAX_BYTES`, non-UTF-8 bytes, empty documents, several documents,
    syntax errors (a key over :data:`MAX_KEY_LENGTH` characters is named as
    such), non-standard tags, duplicate keys, non-string keys, unquoted YAML 1.1
    booleans (:data:`YAML11_BOOLEAN_WORDS`: only ``true`` and ``false`` are
    booleans, as in YAML 1.2) and documents deeper than :data:`MAX_DEPTH` or
    larger than :data:`MAX_NODES`.
    """
    if str(path) == STDIN:
        return parse_yaml(_read_stdin(make_error), display or STDIN_NAME, make_error)
    name = display or str(path)
    try:
        raw = read_regular(path, MAX_BYTES + 1)
    except NotARegularFileError:
        raise make_error(name, None, None, "not a regular file (a FIFO, device or socket); refused") from None
    except FileNotFoundError:
        raise make_error(name, None, None, "no such file") from None
    except IsADirectoryError:
        raise make_error(name, None, None, "is a directory, not a YAML file") from None
    except OSError as exc:
        raise make_error(name, None, None, f"cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise make_error(name, None, None, f"file is larger than {MAX_BYTES // 1024} KiB")
    return parse_yaml(raw, name, make_error)


STDIN = "-"
"""The path that means standard input, as in most command-line tools."""
STDIN_NAME = "<stdin>"
"""How standard input is named in messages."""


def _read_stdin(make_error: ErrorFactory) -> bytes:
    """Standard input's bytes, under the same size limit as a file."""
    raw = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise make_error(STDIN_NAME, None, None, f"input is larger than {MAX_BYTES // 1024} KiB")
    return raw


def parse_yaml(raw: bytes, name: str, make_error: ErrorFactory) -> YamlDocument:
    """Parse YAML bytes already read from ``name``; see :func:`read_yaml`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise make_error(name, line, None, "file is not UTF-8 text") from None
    if "\x00" in text:
        raise make_error(name, text[: text.index("\x00")].count("\n") + 1, None, "file holds a NUL byte")
    try:
        nodes = list(yaml.compose_all(text, Loader=SafeComposer))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        too_long = _overlong_key(text, exc.problem_mark)
        if too_long is not None:
            problem = (
                f"key {too_long[:20] + '...'!r} is too long ({len(too_long)} characters): YAML allows at most "
                f"{MAX_KEY_LENGTH} characters in a plain or quoted key; shorten it"
            )
            raise make_error(name, mark.line + 1 if mark else None, None, problem) from None
        raise make_error(name, mark.line + 1 if mark else None, None, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        at = text[: exc.position].count("\n") + 1
        raise make_error(name, at, None, f"invalid YAML: character {exc.character!r} is not allowed") from None
    except yaml.YAMLError as exc:
        raise make_error(name, None, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise make_error(name, None, None, f"nesting is deeper than {MAX_DEPTH} levels") from None
    documents = [node for node in nodes if node is not None]
    if not documents:
        raise make_error(name, None, None, "file is empty")
    if len(documents) > 1:
        raise make_error(name, documents[1].start_mark.line + 1, None, "holds several YAML documents; expected one")
    locator = Locator(name)
    builder = _Builder(name, locator, make_error)
    data = builder.build(documents[0], (), 0)
    return YamlDocument(data, locator)


def _overlong_key(text: str, mark: Any) -> str | None:
    """The key that ends at ``mark`` when it is longer than YAML allows (the parser then misreads it), else ``None``.

    Every parser error about such a key points at the ``:`` after it; the key
    runs back to the indentation, a ``- `` / ``? `` indicator, or a flow ``{ [ ,``.
    """
    if mark is None:
        return None
    lines = text.splitlines()
    if mark.line >= len(lines) or lines[mark.line][mark.column : mark.column + 1] != ":":
        return None
    key = re.split(r"[{\[,]", lines[mark.line][: mark.column])[-1]
    key = re.sub(r"^\s*(?:[-?]\s+)*", "", key).rstrip()
    if len(key) <= MAX_KEY_LENGTH or ": " in key or " #" in key:
        return None  # a short key, or a value that holds ': ' (another YAML error)
    return key


class _Builder:
    """Turns composed nodes into plain data while recording lines and enforcing limits."""

    def __init__(self, name: str, locator: Locator, make_error: ErrorFactory) -> None:
        self.name = name
        self.locator = locator
        self.make_error = make_error
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: Node, problem: str, path: PathKey = ()) -> LocatedError:
        return self.make_error(self.name, node.start_mark.line + 1, dotted(path) or None, problem)

    def build(self, node: Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"document expands to more than {MAX_NODES} nodes (alias bomb?)")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting is deeper than {MAX_DEPTH} levels", path)
        if node.tag not in _STANDARD_TAGS:
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed", path)
        self.locator.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            return self.build_mapping(node, path, depth)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        self.refuse_yaml11_boolean(node, path)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise self.fail(node, f"invalid value: {exc}", path) from None

    def refuse_yaml11_boolean(self, node: ScalarNode, path: PathKey, *, key: bool = False) -> None:
        """Refuse an unquoted yes / no / on / off: YAML 1.1 reads it as a boolean, YAML 1.2 (and a reader) as text."""
        if node.tag == _BOOL_TAG and node.value.lower() in YAML11_BOOLEAN_WORDS:
            word = f"key {node.value!r}" if key else repr(node.value)
            fix = "quote it" if key else "write true or false, or quote it"
            raise self.fail(node, f"{word} reads as a boolean in YAML 1.1; {fix} if you meant the text", path)

    def build_mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "YAML merge keys (<<) are not allowed", path)
            if isinstance(key_node, ScalarNode):
                self.refuse_yaml11_boolean(key_node, path, key=True)
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR_TAG:
                raise self.fail(key_node, "keys must be plain strings", path)
            key = key_node.value
            if key in result:
                raise self.fail(key_node, f"duplicate key {key!r}", path)
            key_path = (*path, key)
            self.locator.lines[key_path] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, key_path, depth + 1)
            self.locator.lines[key_path] = key_node.start_mark.line + 1
        return result


def dotted(path: PathKey) -> str:
    """Render a data path as ``a.b[2].c`` for messages."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
