"""The lint checks, in one registry, and choosing among them (``--select`` / ``--ignore``, as ruff does).

Every check is one :class:`Check` in :data:`CHECKS`: its stable code, its title
(one line: GitHub annotations and SARIF show it), what it finds (the README's
table of codes, checked by a test) and the function of
:mod:`cec_advisor.verify.lint` that runs it. ``lint --help``, the README table,
SARIF's rules and the per-code tests all come from here.

CEC1xx are the rule base's load errors: the loader
(:mod:`cec_advisor.rulebase`) raises them, the first stops the load, and no
function here runs them. CEC2xx are found on a rule base that loads.

Kept apart from :mod:`cec_advisor.verify.lint` (which names its functions as
text, resolved there) so that reading the configuration and writing SARIF need
neither the engine nor the rule models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CHECKS",
    "CHOOSABLE",
    "LOAD_PREFIX",
    "Check",
    "chosen_codes",
    "code_problem",
    "code_ranges",
    "markdown_table",
]


@dataclass(frozen=True)
class Check:
    """One lint check: its code, one-line title, what it finds, and the lint function that runs it."""

    code: str
    title: str
    finds: str
    function: str | None = None
    """The name of the :mod:`cec_advisor.verify.lint` function that runs it; ``None`` for a load error."""


CHECKS = {
    check.code: check
    for check in (
        Check(
            code="CEC100",
            title="malformed rule or catalogue file",
            finds="a rule, decisions or catalogue file that is not valid YAML or not laid out as one",
        ),
        Check(
            code="CEC101",
            title="unknown fact path or decision",
            finds="a condition naming a fact path or decision that does not exist",
        ),
        Check(
            code="CEC102",
            title="value outside its scale",
            finds="a value outside the fact's scale or the decision's values, or a test the scale cannot take",
        ),
        Check(
            code="CEC103",
            title="unknown service",
            finds="a service id that is not in the catalogue",
        ),
        Check(
            code="CEC104",
            title="duplicate id",
            finds="a rule, service or decision id given twice",
        ),
        Check(
            code="CEC105",
            title="missing or empty required field",
            finds="a missing or empty source, rationale or other required field",
        ),
        Check(
            code="CEC106",
            title="prerequisite cycle",
            finds="services in the catalogue that are each other's prerequisites",
        ),
        Check(
            code="CEC107",
            title="unknown key",
            finds="a key the file format does not have",
        ),
        Check(
            code="CEC201",
            title="service no rule can recommend",
            finds="a catalogue service no rule recommends",
            function="unused_services",
        ),
        Check(
            code="CEC202",
            title="tier tie between rules concluding a decision differently",
            finds=(
                "two rules of the same tier that fire on the same case and conclude a single-valued decision "
                "differently (which the trace shows first depends on file order)"
            ),
            function="conflicts",
        ),
        Check(
            code="CEC203",
            title="condition that can never be true",
            finds="a condition no valid case can satisfy, or a decision value no rule concludes",
            function="never_true",
        ),
        Check(
            code="CEC204",
            title="rule subsumed by another rule",
            finds="a rule subsumed by another (whenever it fires, the other fires and concludes at least as much)",
            function="subsumed",
        ),
        Check(
            code="CEC205",
            title="conflict on a single-valued decision",
            finds="a conflict: two rules that fire on the same case and conclude a single-valued decision differently",
            function="conflicts",
        ),
    )
}
"""Every check by code, in code order."""

LOAD_PREFIX = "CEC1"
"""The codes of a rule base that does not load: always reported, never chosen or suppressed."""

CHOOSABLE = tuple(code for code in CHECKS if not code.startswith(LOAD_PREFIX))
"""The codes ``select``, ``ignore`` and ``# noqa`` apply to: every check of a rule base that loads."""


def code_ranges() -> str:
    """The codes in short, e.g. ``CEC100-107, CEC201-205`` (a run of consecutive codes as one range)."""
    runs: list[list[int]] = []
    for number in sorted(int(code[3:]) for code in CHECKS):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"CEC{run[0]}" + (f"-{run[-1]}" if len(run) > 1 else "") for run in runs)


def markdown_table() -> str:
    """The README's table of codes: a Markdown table, one row per check, ending in a newline."""
    rows = ["| code | check |", "|---|---|"]
    rows += [f"| {check.code} | {check.finds} |" for check in CHECKS.values()]
    return "\n".join(rows) + "\n"


def code_problem(entry: str) -> str | None:
    """Why ``entry`` is not a code or code prefix one can select or ignore (``None`` when it is)."""
    if not re.fullmatch(r"CEC[0-9]{0,3}", entry):
        return f"{entry!r} is not a check code or prefix such as CEC204 or CEC2"
    if not any(code.startswith(entry) for code in CHECKS):
        return f"{entry!r} matches no check code (codes: {code_ranges()})"
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
