"""The case file an interview writes and resumes from: answers read from a (partial) case file, and written back.

The file is an ordinary case file with a comment above each block (and an
``INCOMPLETE`` line while answers are missing). A person's own comments in a
``--from`` file are kept (see :func:`user_comments`), above the block they
belonged to.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cec_advisor.consult.interview import ASSESSED, ENTRY, REQUESTED, partial_problems
from cec_advisor.errors import CaseFileError
from cec_advisor.io.yamlsource import read_yaml
from cec_advisor.model.case import CASE_FORMAT, Case
from cec_advisor.rulebase.model import RuleBase

__all__ = [
    "BLOCK_COMMENTS",
    "HEADER",
    "INCOMPLETE",
    "answers_from_file",
    "case_yaml",
    "read_answers",
    "user_comments",
]


def answers_from_file(path: Path, rulebase: RuleBase) -> dict[str, Any]:
    """Read a (possibly partial) case file as answers; raise its first problem as a :class:`CaseFileError`."""
    answers, problems = read_answers(path, rulebase)
    if problems:
        raise problems[0]
    return answers


def read_answers(path: Path, rulebase: RuleBase) -> tuple[dict[str, Any], list[CaseFileError]]:
    """Read a (possibly partial) case file as answers, so a resumed interview skips them.

    Returns the answers and every problem of the file (see :func:`partial_problems`);
    when there is a problem the answers are empty. An unreadable file raises :class:`CaseFileError`.
    """
    document = read_yaml(path, CaseFileError)
    data = document.data
    problems = partial_problems(data, document.locator, rulebase.catalogue.ids)
    if problems:
        return {}, problems
    answers: dict[str, Any] = {}
    _flatten(data, "", answers)
    answers.pop("format", None)
    for path_, block in ((ASSESSED, "focus_on_learning"), (REQUESTED, "request")):
        if block in data:
            answers.pop(block, None)  # null: answered, there is none
            answers[path_] = data[block] is not None
    if ENTRY in data:
        answers[ENTRY] = list(data[ENTRY])
    return answers, []


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict):
            _flatten(value, f"{prefix}{key}.", out)
        elif key != ENTRY or prefix:
            out[f"{prefix}{key}"] = value


HEADER = (
    "# Case file written by `cec-advisor interview`.",
    "# Facts the rules did not need were not asked and are left out (they count as unknown).",
)
INCOMPLETE = "# INCOMPLETE: resume with `cec-advisor interview --from THIS_FILE`."
BLOCK_COMMENTS = {
    "anchors": "Pathway Step 1: the three anchors (002)",
    "structures": "Pathway Step 4: collaborative structures (002; 001)",
    "culture": "Trust and leadership",
    "achievement": "Achievement against the state average; grant criteria",
    "focus_on_learning": "002 Appendix C indicators, 1 absent .. 4 in place system-wide",
    "request": "The district's own request (002 Step 2, Appendix D)",
    "grant": "School Improvement Grant (000, 001, 003)",
    "context": "Planning context",
}
"""The comment the interview writes above each block of a case file."""
_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:")


def user_comments(text: str) -> dict[str, list[str]]:
    """The comment lines a person added to a case file, by the top-level block they belong to.

    A comment at the left margin belongs to the block below it; an indented
    one to the block it sits in; comments after the last block go under
    ``""``. The interview's own comments are left out (it writes them anew).
    """
    own = {*HEADER, INCOMPLETE, *(f"# {comment}" for comment in BLOCK_COMMENTS.values())}
    found: dict[str, list[str]] = {}
    pending: list[str] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if stripped in own:
                continue
            if line[:1] in (" ", "\t") and current:
                found.setdefault(current, []).append(stripped)
            else:
                pending.append(stripped)
            continue
        key = _TOP_LEVEL_KEY.match(line)
        if key:
            current = key.group(1)
            if pending:
                found.setdefault(current, []).extend(pending)
                pending = []
    if pending:
        found.setdefault("", []).extend(pending)
    return found


def case_yaml(data: dict[str, Any], *, complete: bool, comments: dict[str, list[str]] | None = None) -> str:
    """Write case data as a commented case file, blocks in the order of the case format.

    ``comments`` (from :func:`user_comments`) are a person's own comments,
    kept above the block they belonged to; those of blocks no longer written
    go at the end.
    """
    import yaml

    kept = dict(comments or {})
    lines = [*HEADER, *([] if complete else [INCOMPLETE]), *kept.pop("format", []), f"format: {CASE_FORMAT}"]
    order = [name for name in Case.model_fields if name != "format"]
    for key in order:
        if key not in data:
            continue
        if key in BLOCK_COMMENTS:
            lines.append(f"# {BLOCK_COMMENTS[key]}")
        lines += kept.pop(key, [])
        block = yaml.safe_dump({key: data[key]}, sort_keys=False, allow_unicode=True, default_flow_style=False)
        lines.append(block.rstrip("\n"))
    lines += [comment for block in kept.values() for comment in block]
    return "\n".join(lines) + "\n"
