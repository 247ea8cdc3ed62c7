"""Safe YAML reading: every refusal is one located CaseFileError, and limits hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from cec_advisor.errors import CaseFileError
from cec_advisor.io.yamlsource import MAX_BYTES, parse_yaml, read_yaml


def _refusal(raw: bytes) -> CaseFileError:
    with pytest.raises(CaseFileError) as caught:
        parse_yaml(raw, "case.yaml", CaseFileError)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "line", "words"),
    [
        (b"", None, "empty"),
        (b"# only a comment\n", None, "empty"),
        (b"a: 1\n---\nb: 2\n", 3, "several YAML documents"),
        (b"a: [1, 2\n", 2, "invalid YAML"),
        (b"a: 1\nb: !!python/object:os.system x\n", 2, "tag"),
        (b"a: 1\na: 2\n", 2, "duplicate key 'a'"),
        (b"base: &b {x: 1}\nother:\n  <<: *b\n", 3, "merge keys"),
        (b"a: 1\n\xff\xfe: 2\n", 2, "not UTF-8"),
        (b"? [1, 2]\n: value\n", 1, "keys must be plain strings"),
        (b"a: \x00\n", 1, "NUL"),
    ],
)
def test_refusals_are_located(raw: bytes, line: int | None, words: str) -> None:
    """Each kind of unusable YAML is refused with a message naming the problem and its line."""
    error = _refusal(raw)
    assert words in str(error)
    assert error.line == line
    assert str(error).startswith("case.yaml")


def test_alias_bomb_is_refused() -> None:
    """A billion-laughs document is refused by the node limit instead of expanding."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    error = _refusal("\n".join(lines).encode())
    assert "alias bomb" in str(error)


def test_deep_nesting_is_refused() -> None:
    """Nesting beyond the depth limit is refused with a one-line error."""
    error = _refusal(b"a: " + b"[" * 200 + b"]" * 200)
    assert "deeper" in str(error) or "nesting" in str(error)


def test_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    """A file over the size limit is refused by its size."""
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"a: " + b"x" * (MAX_BYTES + 10))
    with pytest.raises(CaseFileError, match="larger than"):
        read_yaml(path, CaseFileError)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    """A missing path or a directory is a clear error, not an OSError."""
    with pytest.raises(CaseFileError, match="no such file"):
        read_yaml(tmp_path / "nope.yaml", CaseFileError)
    with pytest.raises(CaseFileError, match="directory"):
        read_yaml(tmp_path, CaseFileError)


def test_lines_of_keys_and_values_are_recorded() -> None:
    """The locator knows the line of nested keys and list items."""
    document = parse_yaml(b"a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yaml", CaseFileError)
    assert document.data == {"a": {"b": 1, "c": ["x", "y"]}}
    assert document.locator.line_of(("a", "b")) == 2
    assert document.locator.line_of(("a", "c", 1)) == 5
    assert document.locator.line_of(("a", "missing")) == 1


def test_control_characters_are_refused_on_one_line() -> None:
    """A control character (found by fuzzing) is refused at its line in a single-line message."""
    error = _refusal(b"a: 1\nb: \x01\n")
    assert error.line == 2
    assert "\n" not in str(error) and "not allowed" in str(error)


@pytest.mark.parametrize(
    ("raw", "line", "field"),
    [
        (b"id: x\nstate: NO\n", 2, "state"),
        (b"name: no\n", 1, "name"),
        (b"level: on\n", 1, "level"),
        (b"grant:\n  sig: Yes\n", 2, "grant.sig"),
        (b"grant:\n  sig: OFF\n", 2, "grant.sig"),
        (b"entry_points:\n  - a\n  - Off\n", 3, "entry_points[1]"),
        (b"x: !!bool yes\n", 1, "x"),
    ],
)
def test_yaml11_boolean_words_are_refused_with_a_hint(raw: bytes, line: int, field: str) -> None:
    """Unquoted yes / no / on / off, which YAML 1.1 reads as booleans, are refused at their line and field."""
    error = _refusal(raw)
    assert (error.line, error.field) == (line, field)
    assert "reads as a boolean in YAML 1.1" in error.problem
    assert "write true or false, or quote it" in error.problem


def test_a_yaml11_boolean_key_is_refused_with_a_hint() -> None:
    """A key written `on:` (a boolean in YAML 1.1) is refused with the advice to quote it."""
    error = _refusal(b"a:\n  on: 1\n")
    assert (error.line, error.field) == (2, "a")
    assert "key 'on' reads as a boolean in YAML 1.1; quote it" in error.problem


def test_only_true_and_false_are_booleans_and_quoted_words_stay_text() -> None:
    """true / True / TRUE / false / False / FALSE are booleans; quoted "yes" or 'NO' stays text."""
    raw = b"a: true\nb: True\nc: TRUE\nd: false\ne: False\nf: FALSE\ng: 'yes'\nh: \"NO\"\ni: 'on'\n'off': 1\n"
    data = parse_yaml(raw, "f.yaml", CaseFileError).data
    assert data == {
        "a": True, "b": True, "c": True, "d": False, "e": False, "f": False,
        "g": "yes", "h": "NO", "i": "on", "off": 1,
    }  # fmt: skip


LONG = "k" * 1100


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (f"a: 1\n{LONG}: 2\n", 2),
        (f'a: 1\n"{LONG}": 2\n', 2),
        (f"a:\n  b: 1\n  {LONG}:\n    c: 2\n", 3),
        (f"a:\n  - {LONG}: 2\n", 2),
        (f"a:\n  - x: 1\n    {LONG}: 2\n", 3),
        (f"a: {{{LONG}: 2}}\n", 1),
        (f"a: [{LONG}: 2]\n", 1),
    ],
)
def test_a_key_over_yaml_limit_is_named_too_long(raw: str, line: int) -> None:
    """A key over YAML's 1024-character limit is reported as too long at its line, not as a missing ':'."""
    error = _refusal(raw.encode())
    assert error.line == line
    assert "is too long (1100 characters" in error.problem or "is too long (1102 characters" in error.problem
    assert "at most 1024 characters" in error.problem
    assert "expected ':'" not in str(error) and "\n" not in str(error)


def test_a_key_of_1024_characters_is_accepted() -> None:
    """A key exactly at the limit still reads, and an unrelated syntax error keeps YAML's own message."""
    assert parse_yaml(f"{'k' * 1024}: 2\n".encode(), "f.yaml", CaseFileError).data == {"k" * 1024: 2}
    error = _refusal(f"b: {LONG}: x\n".encode())
    assert "invalid YAML: mapping values are not allowed" in error.problem
