"""Validate parsed YAML against a pydantic model and report the first problem at its line.

Shared by case files and rule files so both read the same: ``file:line:
field: problem``, with "did you mean" for misspelt keys and the allowed values
for values outside their scale.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from cec_advisor.errors import LocatedError
from cec_advisor.io.yamlsource import Locator, PathKey, dotted

ModelT = TypeVar("ModelT", bound=BaseModel)
ItemT = TypeVar("ItemT")


class StrictModel(BaseModel):
    """Base of every model of a file the advisor reads (case, rule, catalogue, rule case): unknown keys are
    refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _at_least_one(value: tuple[ItemT, ...]) -> tuple[ItemT, ...]:
    """Refuse an empty list, checked only once every item is valid (so an item's own error is the one reported)."""
    if not value:
        raise ValueError("needs at least one item")
    return value


NonEmpty = Annotated[tuple[ItemT, ...], AfterValidator(_at_least_one)]
"""A list of one or more items, checked for emptiness after its items: pydantic's ``min_length`` counts only
the items that validated, and so reports one bad item in a list of one as an empty list instead of as itself.
Use it, never ``Field(min_length=1)``, for every list that must not be empty."""


def validate_model(model: type[ModelT], data: Any, locator: Locator, error: type[LocatedError]) -> ModelT:
    """Return ``model`` validated from ``data``, or raise ``error`` for the earliest problem in the file."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise located(exc, locator, model, error, data) from None


def located(
    exc: ValidationError, locator: Locator, root: type[BaseModel], error: type[LocatedError], data: Any
) -> LocatedError:
    """Turn pydantic's earliest (by line) error into one located, user-facing error."""
    return located_all(exc, locator, root, error, data)[0]


def located_all(
    exc: ValidationError, locator: Locator, root: type[BaseModel], error: type[LocatedError], data: Any
) -> list[LocatedError]:
    """Every problem pydantic found, one located error per field, in line order."""
    by_path: dict[PathKey, LocatedError] = {}
    for item in exc.errors():
        path = data_path(item["loc"], data)
        if path not in by_path:
            by_path[path] = _one(item, path, locator, root, error)
    return sorted(by_path.values(), key=lambda e: (e.line or 0, e.field or ""))


def _one(first: Any, path: PathKey, locator: Locator, root: type[BaseModel], error: type[LocatedError]) -> LocatedError:
    """One pydantic error as a located error with a helpful message."""
    line = locator.line_of(path)
    kind = first["type"]
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = keys_at(root, path[:-1])
        hint = suggest(key, allowed) or (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        return error(locator.file, line, dotted(path), f"unknown key {key!r}{hint}", code="CEC107")
    if kind == "missing":
        return error(locator.file, locator.line_of(path[:-1]), dotted(path), "required key is missing", code="CEC105")
    message = str(first["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        expected = str(first.get("ctx", {}).get("expected", ""))
        expected = expected.replace(" or ", " | ").replace(", ", " | ")
        message = f"{quote(first['input'])} is not allowed; expected {expected}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = "expected a mapping of keys"
    elif kind in ("list_type", "tuple_type"):
        message = "expected a list"
    elif kind == "string_too_short":
        return error(locator.file, line, dotted(path) or None, "must not be empty", code="CEC105")
    elif kind == "string_pattern_mismatch":
        message = f"{quote(first['input'])} does not match the pattern {first.get('ctx', {}).get('pattern', '')}"
    return error(locator.file, line, dotted(path) or None, message)


def data_path(loc: tuple[int | str, ...], data: Any) -> PathKey:
    """The part of an error location that is a path in ``data``, dropping pydantic's union and validator tags.

    A location part is kept when it is a key of the mapping (or an index of the
    list) reached so far, so any key a user wrote, whatever its characters, is kept.
    """
    path: list[str | int] = []
    current = data
    for part in loc:
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_mapping or in_list:
            current = current[part]
        elif not (isinstance(current, dict) and isinstance(part, str) and part == loc[-1]):
            continue  # a pydantic union or validator tag, not a place in the data
        path.append(part)  # a key or index in the data, or a missing required key (the last part)
    return tuple(path)


def keys_at(root: type[BaseModel], path: PathKey) -> list[str]:
    """The keys ``root`` allows at ``path`` (for "did you mean")."""
    model: type[BaseModel] = root
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        nested = _nested_model(field.annotation)
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    stack = [annotation]
    while stack:
        candidate = stack.pop()
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        stack.extend(getattr(candidate, "__args__", ()))
    return None


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the nearest choice, or ``""``."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {matches[0]!r}?" if matches else ""


def quote(value: Any) -> str:
    """Show a rejected value as a user would have written it."""
    return repr(value) if isinstance(value, str) else str(value)
