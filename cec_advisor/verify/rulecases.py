"""Per-rule test cases: ``tests/rule_cases/<rule-id>.yaml``, run through the real engine.

A rule-case file names one rule and lists named cases. Each case changes a few
facts of the neutral base case (``_base.yaml`` beside the files; a dotted key
sets one fact, ``null`` removes a block). Its name says whether the rule fires
or stays silent: ``fires_...`` or ``silent_...`` (``silent_mixed_trust``). It
may state what else the plan must hold: services,
requested services, decision values, open questions, warnings, areas of need,
or an order of services. A rule that holds for every valid case says so with
``always_fires`` and a reason instead of a silent case.

The shipped rule cases travel with the shipped rules: a wheel holds them as
``cec_advisor/_rule_cases`` (:func:`default_rule_cases_dir`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictStr

from cec_advisor.errors import CaseFileError, CecError, RuleFileError, UserError
from cec_advisor.io.validation import NonEmpty, StrictModel, validate_model
from cec_advisor.io.yamlsource import Locator, read_yaml
from cec_advisor.model.case import case_from_data, with_changes
from cec_advisor.model.scales import same_value
from cec_advisor.rulebase.spellings import refuse_old_case_spellings

if TYPE_CHECKING:  # handed an advisor by the caller; loading the base case (witness) needs no engine
    from cec_advisor.advisor import Advisor

BASE_CASE = "_base.yaml"
CASE_NAME = re.compile(r"(fires|silent)_[a-z0-9_]+")


def _states_its_expectation(name: str) -> str:
    """Refuse a case name that does not start with what the rule must do (``fires_`` or ``silent_``)."""
    if not CASE_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} does not say what the rule does: start it with fires_ or silent_, "
            "then lowercase words joined by _"
        )
    return name


class RuleCase(StrictModel):
    """One named case of a rule."""

    name: Annotated[StrictStr, AfterValidator(_states_its_expectation)]
    """The expectation, then what the case is: ``fires_low_trust``, ``silent_mixed_trust``."""
    facts: dict[str, Any] = Field(default_factory=dict)
    services: tuple[StrictStr, ...] = ()
    requested: tuple[StrictStr, ...] = ()
    decisions: dict[str, StrictStr | StrictBool] = Field(default_factory=dict)
    undetermined: tuple[StrictStr, ...] = ()
    warnings: tuple[StrictStr, ...] = ()
    needs: tuple[StrictStr, ...] = ()
    order: tuple[StrictStr, ...] = ()

    @property
    def expect(self) -> Literal["fires", "silent"]:
        """Whether the rule must fire or stay silent, as the name's prefix says."""
        return "fires" if self.name.startswith("fires_") else "silent"


class RuleCaseFile(StrictModel):
    """The layout of a rule-case file."""

    rule: StrictStr
    cases: NonEmpty[RuleCase]
    always_fires: StrictStr | None = None


@dataclass(frozen=True)
class LoadedRuleCase:
    """A rule case ready to run: its file, rule, expectations and the full case data."""

    file: str
    rule: str
    case: RuleCase
    data: dict[str, Any]

    @property
    def test_id(self) -> str:
        """``<rule>::<case name>``, the id pytest and ``cec-advisor test`` show."""
        return f"{self.rule}::{self.case.name}"


@dataclass(frozen=True)
class RuleCaseResult:
    """One rule case run: what did not hold (nothing when it passed) and how long it took."""

    case: LoadedRuleCase
    problems: tuple[str, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """Whether everything the case expects held."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "id": self.case.test_id,
            "rule": self.case.rule,
            "name": self.case.case.name,
            "file": self.case.file,
            "outcome": "passed" if self.passed else "failed",
            "problems": list(self.problems),
        }


def default_rule_cases_dir() -> Path:
    """The rule cases shipped with the advisor: the checkout's ``tests/rule_cases``, or the wheel's copy."""
    here = Path(__file__).resolve().parent.parent
    checkout = here.parent / "tests" / "rule_cases"
    return checkout if (checkout / BASE_CASE).is_file() else here / "_rule_cases"


def rule_cases_dir(given: Path | None) -> Path:
    """The folder ``cec-advisor test`` runs: ``given``, else ``./tests/rule_cases``, else the shipped cases."""
    if given is not None:
        return given
    local = Path("tests/rule_cases")
    return local if local.is_dir() else default_rule_cases_dir()


def run_rule_cases(advisor: Advisor, cases: Iterable[LoadedRuleCase]) -> Iterator[RuleCaseResult]:
    """Run each case through the engine (:func:`check_rule_case`), timed."""
    for loaded in cases:
        start = time.perf_counter()
        problems = check_rule_case(advisor, loaded)
        yield RuleCaseResult(loaded, tuple(problems), time.perf_counter() - start)


def load_rule_case_files(directory: Path) -> list[tuple[RuleCaseFile, str]]:
    """Every rule-case file in ``directory`` (sorted), validated, with its path."""
    files = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        document = read_yaml(path, RuleFileError)
        refuse_old_case_spellings(document.data, document.locator)
        files.append((validate_model(RuleCaseFile, document.data, document.locator, RuleFileError), str(path)))
    return files


def load_rule_cases(directory: Path) -> list[LoadedRuleCase]:
    """Every case of every rule-case file in ``directory``, each merged onto the base case.

    Raises :class:`UserError` for a folder that is missing or holds no rule cases.
    """
    if not directory.is_dir():
        raise UserError(f"{directory}: no such folder of rule cases")
    base_path = directory / BASE_CASE
    files = [p for p in directory.glob("*.yaml") if not p.name.startswith("_")]
    if not base_path.exists():
        raise UserError(f"{directory}: not a folder of rule cases: it has no {BASE_CASE}")
    if not files:
        raise UserError(f"{directory}: no rule cases: it holds no rule-case files (<rule-id>.yaml) beside {BASE_CASE}")
    base = load_base_case(directory)
    loaded = []
    for parsed, file in load_rule_case_files(directory):
        for case in parsed.cases:
            loaded.append(LoadedRuleCase(file, parsed.rule, case, with_changes(base, case.facts)))
    return loaded


def load_base_case(directory: Path) -> dict[str, Any]:
    """The neutral base case of a folder of rule cases (its ``_base.yaml``), as case data.

    Raises :class:`CaseFileError` for a file that cannot be read or is not a mapping.
    """
    document = read_yaml(directory / BASE_CASE, CaseFileError)
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        raise CaseFileError(
            document.locator.file,
            document.locator.line_of(()),
            None,
            f"the base case must be a mapping of case keys (a case file), not {kind}",
        )
    return document.data


def check_rule_case(advisor: Advisor, loaded: LoadedRuleCase) -> list[str]:
    """Run one rule case through the engine; return what did not hold (empty when it passes)."""
    expected = loaded.case
    if loaded.rule not in advisor.rulebase.by_id:
        return [f"no rule {loaded.rule!r} in the rule base"]
    try:
        case = case_from_data(loaded.data, Locator(f"{loaded.file}#{expected.name}"), advisor.rulebase.catalogue.ids)
        plan = advisor.plan(case)
    except CecError as exc:
        return [f"the case could not be planned: {exc}"]
    problems = []
    fired = {firing.rule for firing in plan.trace}
    if (loaded.rule in fired) != (expected.expect == "fires"):
        problems.append(
            f"expected {loaded.rule} to {'fire' if expected.expect == 'fires' else 'stay silent'}, "
            f"but it {'fired' if loaded.rule in fired else 'did not fire'}"
        )
    in_plan = [s.id for s in plan.services]
    problems += [f"service {s} is not in the plan" for s in expected.services if s not in in_plan]
    requested = [s.id for s in plan.services if s.requested]
    problems += [f"service {s} is not marked requested" for s in expected.requested if s not in requested]
    for decision, value in expected.decisions.items():
        actual = plan.value(decision)
        if not same_value(actual, value):
            problems.append(f"{decision} is {actual!r}, expected {value!r}")
    open_decisions = {q.decision for q in plan.undetermined}
    problems += [f"{d} is not reported undetermined" for d in expected.undetermined if d not in open_decisions]
    warned = {w.rule for w in plan.warnings}
    problems += [f"no warning from {w}" for w in expected.warnings if w not in warned]
    problems += [f"{n} is not an area of need" for n in expected.needs if n not in plan.greatest_areas_of_need]
    positions = [in_plan.index(s) for s in expected.order if s in in_plan]
    if len(positions) != len(expected.order) or positions != sorted(positions):
        problems.append(f"services are not in the order {' -> '.join(expected.order)} (plan: {', '.join(in_plan)})")
    return problems
