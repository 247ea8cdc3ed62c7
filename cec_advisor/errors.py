"""The project's one exception hierarchy.

::

    CecError                  anything the advisor reports to a user
    ├── UserError             bad input; the CLI exits with code 2
    │   ├── CaseFileError     a case file is unreadable or invalid
    │   └── RuleFileError     a rule or catalogue file is unreadable or invalid
    ├── EngineError           the rule engine failed or the rules disagreed; exit code 3
    └── Interrupted           the user pressed Ctrl-C; exit code 130 (as a shell reports SIGINT)

Every message is one line a user can act on. Errors tied to a file carry the
file and line and render as ``file:line: field: problem``.
"""

from __future__ import annotations


class CecError(Exception):
    """Base of every error the advisor reports; ``str(error)`` is the user-facing line."""

    exit_code = 4


class UserError(CecError):
    """Bad input from the user (a case, rule or catalogue file, or an option)."""

    exit_code = 2


class LocatedError(UserError):
    """A user error at a place in a file: renders as ``file:line: field: problem``."""

    def __init__(self, file: str, line: int | None, field: str | None, problem: str, *, code: str = "CEC100") -> None:
        problem = " ".join(problem.split())  # always one line, whatever the source said
        if field is not None and not field.isprintable():
            # a key a user wrote may hold a newline or another control character: show it escaped
            field = "".join(c if c.isprintable() else repr(c)[1:-1] for c in field)
        self.code = code
        """A stable check code (see ``cec-advisor lint --help``); CEC100 for a generic format error."""
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        where = f"{file}:{line}" if line is not None else file
        what = f"{field}: {problem}" if field else problem
        super().__init__(f"{where}: {what}")


class CaseFileError(LocatedError):
    """A case file that cannot be read or does not meet the case format."""


class RuleFileError(LocatedError):
    """A rule or service catalogue file that cannot be read or is invalid."""


class EngineError(CecError):
    """The rule engine failed on a case, or its conclusions contradict each other."""

    exit_code = 3


class Interrupted(CecError):
    """The run was interrupted (Ctrl-C); the message says what was kept."""

    exit_code = 130

    def __init__(self, kept: str = "") -> None:
        super().__init__(f"interrupted; {kept}" if kept else "interrupted")
