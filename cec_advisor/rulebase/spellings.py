"""The first rule format's spellings, refused with the new spelling named.

Rule files and rule cases were first written with ``salience: 60``,
``{lt: 3}``, ``any_missing:`` keys, a ``when`` mapping and a case's
``expect: fires``. Each is now refused with a one-line error at its line that
names the new spelling, so an old file is converted by reading its errors.
"""

from __future__ import annotations

from typing import Any

from cec_advisor.errors import RuleFileError
from cec_advisor.io.yamlsource import Locator, PathKey, dotted

NEW_SPELLINGS = {
    "salience": "'tier: <id>' with a tier of tiers.yaml (tiers fire in the order listed there)",
    "lt": "'below'",
    "lte": "'at most'",
    "gt": "'above'",
    "gte": "'at least'",
    "any": "'- any of:' as an item of the 'when' list",
    "expect": "nothing: the case name's prefix (fires_ or silent_) states what is expected; remove the line",
}
"""Each old key and what replaces it; an ``any_<name>`` key is read as ``any``."""


def new_spelling(key: str) -> str | None:
    """What replaces ``key``, if it is a spelling of the first format (``any_missing`` included)."""
    return NEW_SPELLINGS.get("any" if key.startswith("any_") else key)


def old_spelling_error(locator: Locator, path: PathKey, key: str, field: str) -> RuleFileError:
    """The one-line error for an old key at ``path``: ``'lt' is the old spelling; write 'below'``."""
    return RuleFileError(
        locator.file,
        locator.line_of(path),
        field,
        f"{key!r} is the old spelling; write {new_spelling(key)}",
        code="CEC107",
    )


def refuse_old_rule_spellings(data: Any, locator: Locator) -> None:
    """Refuse a rule file whose rules still write ``salience`` or a ``when`` mapping (before the schema is checked)."""
    rules = data.get("rules") if isinstance(data, dict) else None
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        if "salience" in rule:
            path: PathKey = ("rules", index, "salience")
            raise old_spelling_error(locator, path, "salience", dotted(path))
        when = rule.get("when")
        if isinstance(when, dict):
            raise RuleFileError(
                locator.file,
                locator.line_of(("rules", index, "when")),
                dotted(("rules", index, "when")),
                "a 'when' mapping is the old spelling; write a list of conditions, one '- fact: test' item each",
                code="CEC107",
            )


def refuse_old_case_spellings(data: Any, locator: Locator) -> None:
    """Refuse a rule-case file whose cases still write ``expect`` (before the schema is checked)."""
    cases = data.get("cases") if isinstance(data, dict) else None
    for index, case in enumerate(cases if isinstance(cases, list) else []):
        if isinstance(case, dict) and "expect" in case:
            path: PathKey = ("cases", index, "expect")
            raise old_spelling_error(locator, path, "expect", dotted(path))
