"""One run of ``cec-advisor test``: the rule cases a ``-k`` expression selects, and what each gave.

:func:`select_rule_cases` loads and filters the cases; :class:`RuleCaseRun`
gathers the results as they come, and is the data ``--format json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cec_advisor.verify.keywords import keyword_matcher
from cec_advisor.verify.rulecases import LoadedRuleCase, RuleCaseResult, load_rule_cases

__all__ = ["RuleCaseRun", "select_rule_cases"]


def select_rule_cases(folder: Path, keyword: str) -> list[LoadedRuleCase]:
    """The rule cases in ``folder`` whose ``rule::name`` the ``-k`` expression ``keyword`` matches."""
    matches = keyword_matcher(keyword)
    return [loaded for loaded in load_rule_cases(folder) if matches(loaded.test_id)]


@dataclass
class RuleCaseRun:
    """The results of the rule cases run from ``folder``, in the order they ran."""

    folder: Path
    results: list[RuleCaseResult] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """How many cases failed."""
        return sum(1 for result in self.results if not result.passed)

    @property
    def passed(self) -> int:
        """How many cases passed."""
        return len(self.results) - self.failed

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data: the folder, the counts and every case's result."""
        return {
            "folder": str(self.folder),
            "passed": self.passed,
            "failed": self.failed,
            "cases": [result.as_dict() for result in self.results],
        }
