"""Static checks of a rule base, each with a stable code, a file:line and, where one exists, a witness case.

The checks and their codes are registered in :mod:`cec_advisor.verify.lintcodes`
(``cec-advisor lint --help`` lists them); each CEC2xx check names the function
here that runs it, which takes the loaded rule base and its folder.

CEC1xx come from loading (the first stops the load); CEC2xx are found on a rule
base that loads. Conflicts and ties are confirmed by planning the witness
case through the real engine.

Choosing checks: ``select`` and ``ignore`` (codes or prefixes, as ruff takes
them) pick among the CEC2xx checks, and only the chosen ones run; CEC1xx are
always reported. A finding is suppressed by a ``# noqa: CEC204`` comment (one
or more codes, comma-separated) on the line it points at: for a rule, its
``- id:`` line; for CEC201, the service's ``- id:`` line in services.yaml; for a
conflict or a tie, the second rule's. A bare ``# noqa`` suppresses every code.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from cec_advisor.advisor import Advisor
from cec_advisor.errors import EngineError, LocatedError, RuleFileError, UserError
from cec_advisor.io.yamlsource import read_yaml
from cec_advisor.model.scales import yaml_word
from cec_advisor.rulebase.load import default_rules_dir, load_rulebase
from cec_advisor.rulebase.model import SERVICE_DECISION, Rule, RuleBase
from cec_advisor.verify.lintcodes import CHECKS, CHOOSABLE, chosen_codes
from cec_advisor.verify.witness import FactCondition, first_witness, satisfied, witnesses

__all__ = [
    "CHECKS",
    "CheckFunction",
    "Finding",
    "check_functions",
    "check_rule_base_folder",
    "conflicts",
    "lint",
    "never_true",
    "noqa_codes",
    "subsumed",
    "unsuppressed",
    "unused_services",
]


@dataclass(frozen=True)
class Finding:
    """One problem in the rule base."""

    code: str
    file: str
    line: int | None
    message: str
    witness: dict[str, Any] | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.code} {self.detail()}"

    def detail(self) -> str:
        """The message and, where there is one, the witness case's facts."""
        if self.witness is None:
            return self.message
        facts = ", ".join(f"{k}={yaml_word(v)}" for k, v in self.witness.items()) or "the neutral case"
        return f"{self.message} (witness: {facts})"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "witness": self.witness,
        }


def lint(
    rules_dir: Path | None = None, *, select: Iterable[str] | None = None, ignore: Iterable[str] = ()
) -> list[Finding]:
    """Every finding for the rule base in ``rules_dir`` (empty when clean), sorted by file and line.

    Only the CEC2xx checks ``select`` and ``ignore`` choose run (all by
    default); findings on a line with a matching ``# noqa`` are left out.
    Raises :class:`UserError` when ``rules_dir`` is not a rule base at all.
    """
    folder = rules_dir or default_rules_dir()
    check_rule_base_folder(folder)
    codes = chosen_codes(select, ignore)
    try:
        rulebase = load_rulebase(folder)
    except LocatedError as exc:
        return [Finding(exc.code, exc.file, exc.line, f"{exc.field + ': ' if exc.field else ''}{exc.problem}")]
    findings = [f for check in check_functions(codes) for f in check(rulebase, folder) if f.code in codes]
    return sorted(unsuppressed(findings), key=lambda f: (f.file, f.line or 0, f.code, f.message))


CheckFunction = Callable[[RuleBase, Path], list[Finding]]
"""A CEC2xx check: the loaded rule base and its folder in, its findings out."""


def check_functions(codes: Iterable[str]) -> list[CheckFunction]:
    """The functions that run the checks of ``codes`` (each once, in code order), as the registry names them."""
    names = dict.fromkeys(CHECKS[code].function for code in sorted(codes))
    return [cast(CheckFunction, globals()[name]) for name in names if name is not None]


def check_rule_base_folder(folder: Path) -> None:
    """Refuse (``UserError``, exit 2) a path that is not a folder, or a folder that is not a rule base at all."""
    if not folder.is_dir():
        raise UserError(f"{folder}: not a rules directory")
    if not any((folder / name).is_file() for name in ("decisions.yaml", "services.yaml")):
        raise UserError(f"{folder}: not a rule base: it holds neither decisions.yaml nor services.yaml")


_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z0-9]+(?:[\s,]+[A-Z0-9]+)*))?", re.IGNORECASE)


def noqa_codes(line: str) -> frozenset[str] | None:
    """The codes a ``# noqa`` comment on ``line`` suppresses: ``None`` for none, every code for a bare ``# noqa``."""
    match = _NOQA.search(line)
    if match is None:
        return None
    if match.group("codes") is None:
        return frozenset(CHECKS)
    return frozenset(code.upper() for code in re.split(r"[\s,]+", match.group("codes")) if code)


def unsuppressed(findings: Iterable[Finding]) -> list[Finding]:
    """The findings no ``# noqa`` comment on their line suppresses (CEC1xx are never suppressed)."""
    lines: dict[str, list[str]] = {}
    kept = []
    for finding in findings:
        if finding.line and finding.code in CHOOSABLE:
            if finding.file not in lines:
                try:
                    lines[finding.file] = Path(finding.file).read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError):
                    lines[finding.file] = []
            text = lines[finding.file]
            codes = noqa_codes(text[finding.line - 1]) if finding.line <= len(text) else None
            if codes is not None and finding.code in codes:
                continue
        kept.append(finding)
    return kept


def _condition(rule: Rule) -> FactCondition:
    return rule.when.facts, rule.when.any_groups


def unused_services(rulebase: RuleBase, folder: Path) -> list[Finding]:
    """CEC201: catalogue services no rule recommends, settles with, or names in a condition."""
    named: set[str] = set()
    for rule in rulebase.rules:
        named.update(rule.then.recommend)
        if rule.then.undetermined is not None:
            named.update(rule.then.undetermined.settling_services())
        for test in rule.when.facts:
            if test.path == "request.service":
                named.update(str(v) for v in test.values)
        for decision in rule.when.decisions:
            if decision.decision == SERVICE_DECISION:
                named.update(str(v) for v in decision.values)
    catalogue_file = folder / "services.yaml"
    lines = _service_lines(catalogue_file)
    return [
        Finding(
            "CEC201", str(catalogue_file), lines.get(service), f"service {service} is never recommended by any rule"
        )
        for service in rulebase.catalogue.ids
        if service not in named
    ]


def _service_lines(catalogue_file: Path) -> dict[str, int]:
    """The line of each service's ``- id:`` in the catalogue (the catalogue loaded, so the file reads)."""
    try:
        document = read_yaml(catalogue_file, RuleFileError)
    except RuleFileError:
        return {}
    services = document.data.get("services") if isinstance(document.data, dict) else None
    found: dict[str, int] = {}
    for index, entry in enumerate(services if isinstance(services, list) else []):
        line = document.locator.line_of(("services", index, "id"))
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and line:
            found[entry["id"]] = line
    return found


def never_true(rulebase: RuleBase, folder: Path) -> list[Finding]:
    """CEC203: rules whose fact tests no valid case satisfies, or that test a decision value no rule concludes."""
    concluded: dict[str, set[Any]] = {}
    for rule in rulebase.rules:
        for decision, value in rule.then.conclude.items():
            concluded.setdefault(decision, set()).add(value)
    findings = []
    for rule in rulebase.rules:
        for test in rule.when.decisions:
            if test.negated or test.decision == SERVICE_DECISION or test.decision not in rulebase.decisions:
                continue
            possible = concluded.get(test.decision, set())
            if not any(value in possible for value in test.values):
                shown = " or ".join(str(v) for v in test.values)
                findings.append(
                    Finding(
                        "CEC203",
                        rule.file,
                        rule.line,
                        f"{rule.id} tests {test.decision} is {shown}, which no rule concludes",
                    )
                )
        if (rule.when.facts or rule.when.any_groups) and first_witness([_condition(rule)]) is None:
            findings.append(
                Finding(
                    "CEC203", rule.file, rule.line, f"{rule.id} can never fire: no valid case satisfies its fact tests"
                )
            )
    return findings


def _then_within(small: Rule, large: Rule) -> bool:
    a, b = small.then, large.then
    return (
        all(large.then.conclude.get(k) == v for k, v in a.conclude.items())
        and set(a.recommend) <= set(b.recommend)
        and (not a.recommend_requested or b.recommend_requested)
        and (a.warn is None or a.warn == b.warn)
        and (a.undetermined is None or a.undetermined == b.undetermined)
        and (a.schedule is None or a.schedule == b.schedule)
    )


def _decisions_within(narrow: Rule, broad: Rule) -> bool:
    """Every decision test of ``broad`` is implied by one of ``narrow``'s."""
    for test in broad.when.decisions:
        match = [t for t in narrow.when.decisions if t.decision == test.decision and t.negated == test.negated]
        if not match:
            return False
        if test.negated:
            if not set(test.values) <= set(match[0].values):
                return False
        elif not set(match[0].values) <= set(test.values):
            return False
    return True


def subsumed(rulebase: RuleBase, folder: Path) -> list[Finding]:
    """CEC204: a rule whose firing always comes with another's firing that concludes at least as much."""
    findings = []
    for narrow, broad in itertools.permutations(rulebase.rules, 2):
        if narrow.phase != broad.phase or not _then_within(narrow, broad) or not _decisions_within(narrow, broad):
            continue
        narrow_cases = list(itertools.islice(witnesses([_condition(narrow)], also=[_condition(broad)]), 5000))
        if not narrow_cases:
            continue
        if all(satisfied(facts, _condition(broad)) for _, _, facts in narrow_cases):
            findings.append(
                Finding(
                    "CEC204",
                    narrow.file,
                    narrow.line,
                    f"{narrow.id} is subsumed by {broad.id}: whenever it fires, {broad.id} fires and concludes as much",
                    narrow_cases[0][0],
                )
            )
    return findings


def conflicts(rulebase: RuleBase, folder: Path) -> list[Finding]:
    """CEC205 / CEC202: pairs concluding a single-valued decision differently that fire on one case."""
    advisor = Advisor(folder)
    findings = []
    single = {d.id for d in rulebase.decisions.values() if d.single}
    for first, second in itertools.combinations(rulebase.rules, 2):
        shared = [
            d
            for d in first.then.conclude
            if d in single and d in second.then.conclude and first.then.conclude[d] != second.then.conclude[d]
        ]
        if not shared or not _decisions_compatible(first, second):
            continue
        for assignment, case, _ in itertools.islice(witnesses([_condition(first), _condition(second)]), 25):
            if _both_fire(advisor, case, first.id, second.id):
                code = "CEC202" if first.tier == second.tier else "CEC205"
                what = f"in the same tier ({first.tier.id}) " if code == "CEC202" else ""
                findings.append(
                    Finding(
                        code,
                        second.file,
                        second.line,
                        f"{first.id} and {second.id} {what}both fire and conclude {shared[0]} as "
                        f"{first.then.conclude[shared[0]]} and {second.then.conclude[shared[0]]}",
                        assignment,
                    )
                )
                break
    return findings


def _decisions_compatible(first: Rule, second: Rule) -> bool:
    for a in first.when.decisions:
        for b in second.when.decisions:
            if a.decision == b.decision and not a.negated and not b.negated and not set(a.values) & set(b.values):
                return False
    return True


def _both_fire(advisor: Advisor, case: Any, first: str, second: str) -> bool:
    try:
        fired = {f.rule for f in advisor.run(case).firings}
    except EngineError as exc:
        return first in str(exc) and second in str(exc)
    return first in fired and second in fired
