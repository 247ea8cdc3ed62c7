"""The lint check codes, and choosing among them (``--select`` / ``--ignore``, as ruff does).

Kept apart from :mod:`cec_advisor.verify.lint` so that reading the configuration
and writing SARIF need neither the engine nor the rule models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CHECKS = {
    "CEC100": "malformed rule or catalogue file",
    "CEC101": "unknown fact path or decision",
    "CEC102": "value outside its scale",
    "CEC103": "unknown service",
    "CEC104": "duplicate id",
    "CEC105": "missing or empty required field",
    "CEC106": "prerequisite cycle",
    "CEC107": "unknown key",
    "CEC201": "service no rule can recommend",
    "CEC202": "salience tie between rules concluding a decision differently",
    "CEC203": "condition that can never be true",
    "CEC204": "rule subsumed by another rule",
    "CEC205": "conflict on a single-valued decision",
}
"""Every code and its one-line title."""

CHOOSABLE = tuple(code for code in CHECKS if code.startswith("CEC2"))
"""The codes ``select``, ``ignore`` and ``# noqa`` apply to; CEC1xx (a rule base that does not load) always show."""


def code_problem(entry: str) -> str | None:
    """Why ``entry`` is not a code or code prefix one can select or ignore (``None`` when it is)."""
    if not re.fullmatch(r"CEC[0-9]{0,3}", entry):
        return f"{entry!r} is not a check code or prefix such as CEC204 or CEC2"
    if not any(code.startswith(entry) for code in CHECKS):
        return f"{entry!r} matches no check code (codes: CEC100-107, CEC201-205)"
    if not any(code.startswith(entry) for code in CHOOSABLE):
        return f"{entry!r}: CEC1xx findings (a rule base that does not load) are always reported; choose among CEC2xx"
    return None


def chosen_codes(select: Iterable[str] | None, ignore: Iterable[str] = ()) -> frozenset[str]:
    """The CEC2xx codes to check: those matching a ``select`` prefix (all when ``None``) and no ``ignore`` prefix."""
    selected = list(select) if select is not None else ["CEC"]
    ignored = list(ignore)
    return frozenset(
        code
        for code in CHOOSABLE
        if any(code.startswith(p) for p in selected) and not any(code.startswith(p) for p in ignored)
    )
