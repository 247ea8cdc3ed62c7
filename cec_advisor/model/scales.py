"""Scales: the allowed values of every diagnostic fact.

A :class:`Scale` validates one case-file value exactly (``True`` is not ``1``,
``"3"`` is not ``3``), produces the message that lists what is allowed, and is
attached to the pydantic field it guards. The rule loader reads the same
scales back, so case files and rule files can never disagree on a value set.
:func:`same_value` and :func:`one_of` are the one way values are compared, with
the same exactness, wherever rules, plans and explanations test them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

UNKNOWN = "unknown"
"""The value every optional scalar fact accepts (K19 in docs/pathway.md)."""

ScaleKind = Literal["enum", "bool", "int", "number", "code", "service"]
Scalar = str | int | float | bool


def same_value(a: object, b: object) -> bool:
    """Equality of fact and decision values that keeps their type: ``True`` is not ``1``, ``1`` is not ``1.0``."""
    return a == b and type(a) is type(b)


def one_of(value: object, values: Iterable[object]) -> bool:
    """Whether ``value`` is among ``values`` by :func:`same_value`."""
    return any(same_value(value, v) for v in values)


@dataclass(frozen=True)
class Scale:
    """The values one fact may take.

    ``enum``: one of ``values``; ``bool``: true or false; ``int``: a whole
    number from ``low`` to ``high``; ``number``: a real number in that range
    (derived facts only); ``code``: text matching ``pattern``; ``service``: a
    service id from the catalogue (checked against the catalogue when loaded).
    Unless ``required``, the text ``unknown`` is accepted as well.

    A scale is also a pydantic annotation: ``Annotated[str, TRUST]`` validates
    with :meth:`check` and documents itself with :meth:`json_schema`.
    """

    kind: ScaleKind
    values: tuple[str, ...] = ()
    low: float = 0
    high: float = 0
    pattern: str = ""
    required: bool = False
    meaning: str = ""

    def describe(self) -> str:
        """Say in words what the scale accepts, e.g. ``low | mixed | high | unknown``."""
        if self.kind == "enum":
            text = " | ".join(self.values)
        elif self.kind == "bool":
            text = "true | false"
        elif self.kind in ("int", "number"):
            whole = "a whole number" if self.kind == "int" else "a number"
            text = f"{whole} from {self.low:g} to {self.high:g}"
        elif self.kind == "code":
            text = f"text matching {self.pattern}"
        else:
            text = "a service id from the catalogue"
        return text if self.required else f"{text} | {UNKNOWN}"

    def check(self, value: Any) -> Scalar:
        """Return ``value`` if the scale accepts it, else raise ``ValueError`` saying what is allowed."""
        if value == UNKNOWN and isinstance(value, str) and not self.required:
            return UNKNOWN
        if self.accepts_known(value):
            return value  # type: ignore[no-any-return]
        raise ValueError(f"{_show(value)} is not allowed; expected {self.describe()}")

    def accepts_known(self, value: Any) -> bool:
        """Tell whether ``value`` is a known (not ``unknown``) value of this scale."""
        if self.kind == "enum":
            return isinstance(value, str) and value in self.values
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "int":
            return type(value) is int and self.low <= value <= self.high
        if self.kind == "number":
            return type(value) in (int, float) and self.low <= value <= self.high
        if self.kind == "code":
            return isinstance(value, str) and re.fullmatch(self.pattern, value) is not None
        return isinstance(value, str) and re.fullmatch(SERVICE_ID_PATTERN, value) is not None

    def known_values(self) -> tuple[Scalar, ...]:
        """List every known value when the scale is finite (enum, bool, int), else ``()``."""
        if self.kind == "enum":
            return self.values
        if self.kind == "bool":
            return (False, True)
        if self.kind == "int":
            return tuple(range(int(self.low), int(self.high) + 1))
        return ()

    def json_schema(self) -> dict[str, Any]:
        """JSON Schema of the values this scale accepts (for editors)."""
        schema: dict[str, Any]
        if self.kind == "enum":
            schema = {"enum": list(self.values)}
        elif self.kind == "bool":
            schema = {"type": "boolean"}
        elif self.kind == "int":
            schema = {"type": "integer", "minimum": self.low, "maximum": self.high}
        elif self.kind == "number":
            schema = {"type": "number", "minimum": self.low, "maximum": self.high}
        elif self.kind == "code":
            schema = {"type": "string", "pattern": f"^{self.pattern}$"}
        else:
            schema = {"type": "string", "pattern": f"^{SERVICE_ID_PATTERN}$"}
        if not self.required:
            schema = {"anyOf": [schema, {"const": UNKNOWN}]}
        if self.meaning:
            schema["description"] = self.meaning
        return schema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.check)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.json_schema()


SERVICE_ID_PATTERN = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"


def yaml_word(value: Any) -> str:
    """A value as it is written in YAML and in messages: true / false for booleans, else its text."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _show(value: Any) -> str:
    """Quote a rejected value the way it would be written in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def enum(*values: str, meaning: str = "") -> Scale:
    """An optional fact with a fixed set of text values."""
    return Scale("enum", values=values, meaning=meaning)
