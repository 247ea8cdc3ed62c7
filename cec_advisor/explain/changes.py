"""Changes to a case, as ``what-if --set`` and the ``why-not`` search make them.

A :class:`Change` is one edit of case data (a case-file path and the value to
put there, ``None`` removing it) together with the fact it changes as a user
reads it. :func:`parse_setting` reads ``--set PATH=VALUE`` the way a case file
reads its values; :func:`apply_changes` applies changes to a copy of case data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cec_advisor.errors import LocatedError, UserError
from cec_advisor.io.yamlsource import SafeComposer, parse_yaml
from cec_advisor.model.case import BLOCK_FACTS, with_changes
from cec_advisor.model.scales import UNKNOWN


@dataclass(frozen=True)
class Change:
    """One change to a case: the case-file path to set (``None`` removes it), and the fact as a user reads it."""

    path: str
    value: Any
    fact: str
    shown: Any

    def setting(self) -> str:
        """The change as a ``--set PATH=VALUE`` argument that :func:`parse_setting` reads back exactly."""
        import json

        return f"{self.path}={json.dumps(self.value)}"


def parse_setting(text: str) -> Change:
    """Parse ``PATH=VALUE`` into a change.

    VALUE is read as one YAML value by the case-file reader's rules: numbers,
    text, ``true``/``false`` (an unquoted yes/no/on/off is refused, as in a case
    file), a flow mapping or list; text that is not YAML is taken as written.
    ``null`` (or ``~``) removes the key: a fact becomes ``unknown``; removing
    ``request`` or ``focus_on_learning`` sets the fact its absence means
    (``request.made`` / ``focus_on_learning.assessed`` false), and removing
    ``entry_points`` leaves none.
    """
    if "=" not in text:
        raise UserError(f"--set {text!r}: expected PATH=VALUE, e.g. culture.trust=high")
    path, raw = text.split("=", 1)
    path = path.strip()
    value = _setting_value(path, raw)
    if value is None:
        if path in BLOCK_FACTS:  # a block whose absence is itself a fact (false), not an unknown
            return Change(path, None, BLOCK_FACTS[path], False)
        if path == "entry_points":  # a list, empty when left out: every entry_points.* fact is false
            return Change(path, None, path, [])
        return Change(path, None, path, UNKNOWN)
    return Change(path, value, path, value)


def _setting_value(path: str, raw: str) -> Any:
    """One ``--set`` value, read as a case file reads its values (see :func:`parse_setting`)."""
    import yaml

    if not raw.strip():
        return ""
    try:
        node = yaml.compose(raw, Loader=SafeComposer)
    except yaml.YAMLError:
        return raw
    if node is None:
        return None

    def refuse(file: str, line: int | None, field: str | None, problem: str) -> LocatedError:
        """A value the case-file reader refuses, as an error of the --set argument (no line)."""
        return LocatedError(file, None, field, problem)

    return parse_yaml(raw.encode("utf-8"), f"--set {path}", refuse).data


def apply_changes(base: dict[str, Any], changes: tuple[Change, ...] | list[Change]) -> dict[str, Any]:
    """Return a copy of case data with ``changes`` applied (see :func:`~cec_advisor.model.case.with_changes`)."""
    return with_changes(base, {change.path: change.value for change in changes})


__all__ = ["Change", "apply_changes", "parse_setting"]
