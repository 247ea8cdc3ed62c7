"""Checking case files without planning them: every problem of each file, not only the first.

The result is data (:class:`ValidationReport`, with :meth:`~ValidationReport.as_dict`
for ``validate -f json``); :func:`~cec_advisor.consult.formatters.validation_lines`
words it for people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cec_advisor.errors import CaseFileError, UserError
from cec_advisor.io.sources import collect_case_files
from cec_advisor.model.case import case_problems

__all__ = ["FileCheck", "ValidationReport", "validate_files"]


@dataclass(frozen=True)
class FileCheck:
    """One case file and its problems, in line order (none when it is valid)."""

    path: Path
    problems: list[CaseFileError]

    @property
    def ok(self) -> bool:
        """True when the file has no problem."""
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        """The file, whether it is valid, and each problem's line, field, words and code."""
        return {
            "file": str(self.path),
            "ok": self.ok,
            "problems": [
                {"line": problem.line, "field": problem.field, "problem": problem.problem, "code": problem.code}
                for problem in self.problems
            ],
        }


@dataclass(frozen=True)
class ValidationReport:
    """Every checked case file, in the order found."""

    files: list[FileCheck]

    @property
    def invalid(self) -> int:
        """How many files have a problem."""
        return sum(1 for checked in self.files if not checked.ok)

    def as_dict(self) -> dict[str, object]:
        """Each file's check and the number of invalid files (what ``validate -f json`` prints)."""
        return {"files": [checked.as_dict() for checked in self.files], "invalid": self.invalid}


def validate_files(sources: Iterable[Path], service_ids: Iterable[str] = ()) -> ValidationReport:
    """Check every case file under ``sources`` (folders searched, ``-`` is standard input) against the case format.

    ``service_ids`` is the catalogue a requested service must be in. Raises
    :class:`UserError` when ``sources`` hold no case file.
    """
    files = [Path(name) for name in collect_case_files(sources)]
    if not files:
        raise UserError("no case files (*.yaml, *.yml) found")
    ids = list(service_ids)
    return ValidationReport([FileCheck(path, case_problems(path, ids)) for path in files])
