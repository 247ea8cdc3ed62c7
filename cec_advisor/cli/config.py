"""Settings from ``pyproject.toml``, under ``[tool.cec-advisor]`` (as ruff, coverage.py and sqlfluff keep theirs).

::

    [tool.cec-advisor]
    rules = "rules"           # the rule base, relative to this pyproject.toml

    [tool.cec-advisor.coverage]
    fail-under = 100          # coverage exits 1 below this rule coverage (%)

    [tool.cec-advisor.lint]
    select = ["CEC2"]         # check codes or prefixes to run (default: all)
    ignore = ["CEC204"]       # ... and to leave out

The file read is the nearest ``pyproject.toml`` with a ``[tool.cec-advisor]``
table, from the current folder upward (files without one are passed over).
Options given on the command line win over it. Every key and value is
checked: a problem is one :class:`~cec_advisor.errors.LocatedError` naming
the file, the line and the key, e.g. ``pyproject.toml:7:
tool.cec-advisor.lint.ignore: 'CEC9' matches no check code``.

Standard library only (``tomllib``): every command may read it at start.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cec_advisor.errors import LocatedError
from cec_advisor.io.fileio import NotARegularFileError, read_regular
from cec_advisor.verify.lintcodes import code_problem

TABLE = ("tool", "cec-advisor")
MAX_BYTES = 1 << 22
"""Largest pyproject.toml read (4 MiB)."""


@dataclass(frozen=True)
class Config:
    """The settings found (all ``None`` or empty when there is no configuration)."""

    file: Path | None = None
    """The pyproject.toml read, or ``None``."""
    rules: Path | None = None
    """The rule base folder, resolved against the pyproject.toml's folder."""
    coverage_fail_under: float | None = None
    lint_select: tuple[str, ...] | None = None
    """Codes or prefixes to check; ``None`` means all."""
    lint_ignore: tuple[str, ...] = ()


def load_config(start: Path | None = None) -> Config:
    """The configuration of the nearest ``pyproject.toml`` (from ``start``, default the current folder, upward)."""
    folder = (start or Path.cwd()).absolute()
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if not path.is_file():
            continue
        found = _read(path)
        if found is not None:
            return found
    return Config()


def _read(path: Path) -> Config | None:
    """The configuration in ``path``, or ``None`` when it has no ``[tool.cec-advisor]`` table."""
    shown = str(path)
    try:
        content = read_regular(path, MAX_BYTES + 1)
    except NotARegularFileError:
        raise LocatedError(shown, None, None, "not a regular file (a FIFO, device or socket); refused") from None
    except OSError as exc:
        raise LocatedError(shown, None, None, f"cannot read: {exc.strerror}") from None
    if b"cec-advisor" not in content:
        return None  # not ours: not even parsed, so another tool's broken file never stops this one
    if len(content) > MAX_BYTES:
        raise LocatedError(shown, None, None, f"larger than {MAX_BYTES >> 20} MiB; refused")
    try:
        text = content.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise LocatedError(shown, None, None, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "syntax error"
        raise LocatedError(shown, int(where.group(1)) if where else None, None, f"not valid TOML: {problem}") from None
    table = data.get("tool", {}).get("cec-advisor") if isinstance(data.get("tool"), dict) else None
    if table is None:
        return None
    return _Reader(path, text).config(table)


class _Reader:
    """Checks the ``[tool.cec-advisor]`` table of one file, naming each bad key at its line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, key: tuple[str, ...], problem: str) -> LocatedError:
        return LocatedError(str(self.path), self._line_of((*TABLE, *key)), ".".join((*TABLE, *key)), problem)

    def table(self, value: Any, key: tuple[str, ...], known: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a table, not {_kind(value)}")
        for name in value:
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else f"expected {', '.join(known)}"
                raise self.fail((*key, name), f"unknown key; {hint}")
        return value

    def config(self, value: Any) -> Config:
        top = self.table(value, (), ("rules", "coverage", "lint"))
        rules = top.get("rules")
        if rules is not None and (not isinstance(rules, str) or not rules.strip()):
            raise self.fail(("rules",), f"must be a folder name (text), not {_kind(rules)}")
        coverage = self.table(top.get("coverage", {}), ("coverage",), ("fail-under",))
        fail_under = coverage.get("fail-under")
        if fail_under is not None:
            if isinstance(fail_under, bool) or not isinstance(fail_under, int | float):
                raise self.fail(("coverage", "fail-under"), f"must be a number from 0 to 100, not {_kind(fail_under)}")
            if not 0 <= fail_under <= 100:
                raise self.fail(("coverage", "fail-under"), f"must be from 0 to 100, not {fail_under}")
        lint = self.table(top.get("lint", {}), ("lint",), ("select", "ignore"))
        select = self.codes(lint.get("select"), ("lint", "select"))
        ignore = self.codes(lint.get("ignore"), ("lint", "ignore"))
        return Config(
            file=self.path,
            rules=None if rules is None else self.path.parent / rules,
            coverage_fail_under=None if fail_under is None else float(fail_under),
            lint_select=select,
            lint_ignore=ignore or (),
        )

    def codes(self, value: Any, key: tuple[str, ...]) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f'must be a list of check codes or prefixes, e.g. ["CEC204"], not {_kind(value)}')
        for entry in value:
            problem = code_problem(entry)
            if problem:
                raise self.fail(key, problem)
        return tuple(value)

    def _line_of(self, key: tuple[str, ...]) -> int | None:
        """The line setting ``key`` or, failing that, its nearest table (a best effort: TOML gives no lines)."""
        found: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            header = re.match(r"^\[\[?([^\[\]]+)\]\]?", line)
            if header:
                table = _split(header.group(1))
                found.setdefault(table, number)
                continue
            assignment = re.match(r"""^([A-Za-z0-9_.'"\s-]+?)\s*=""", line)
            if assignment:
                found.setdefault((*table, *_split(assignment.group(1))), number)
        for end in range(len(key), 0, -1):
            if key[:end] in found:
                return found[key[:end]]
        return None


def _split(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in dotted.split("."))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
