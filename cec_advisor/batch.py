"""Batch runs: plan many case files, write one output per case and format, and a summary.

A bad case never costs the good ones: its one-line error is kept, its row in
``summary.csv`` says why, and the run goes on. Cases that share an id are all
refused (their outputs would overwrite each other). With ``jobs > 1`` the cases
are planned in worker processes; results are consumed in input order, so the
files written are byte-identical to a ``jobs=1`` run. Every file is written
atomically.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cec_advisor.advisor import Advisor
from cec_advisor.errors import CecError, UserError
from cec_advisor.fileio import write_atomic
from cec_advisor.plan import Plan
from cec_advisor.render import RENDERERS

SUMMARY_FILE = "summary.csv"
SUMMARY_COLUMNS = (
    "id",
    "name",
    "file",
    "commitment",
    "readiness",
    "emphasis",
    "plan_type",
    "services",
    "first_services",
    "warnings",
    "error",
)
EXTENSIONS = {"markdown": "md", "json": "json", "html": "html"}
_ID_LINE = re.compile(rb"^id:[ \t]*['\"]?([a-z0-9][a-z0-9-]{0,63})['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


@dataclass(frozen=True)
class CaseOutcome:
    """What planning one case file produced: its rendered outputs and summary row, or its error."""

    file: str
    case_id: str = ""
    name: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    row: dict[str, str] = field(default_factory=dict)
    error: str = ""


@dataclass
class BatchReport:
    """The result of a batch: how many cases were planned and the errors of the others."""

    planned: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every case was planned."""
        return not self.failed


def collect_case_files(sources: Iterable[Path]) -> list[Path]:
    """Expand folders into their ``*.yaml`` / ``*.yml`` files (sorted); keep files as given, without repeats."""
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files.extend(sorted(p for p in source.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            files.append(source)
    return list(dict.fromkeys(files))


def parse_formats(text: str) -> tuple[str, ...]:
    """Parse ``json,markdown,html`` into known format names, in the order given."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in EXTENSIONS]
    if unknown or not names:
        raise UserError(f"unknown format {', '.join(unknown) or text!r}; choose from {', '.join(EXTENSIONS)}")
    return names


def summary_row(plan: Plan, file: str) -> dict[str, str]:
    """The summary.csv row of a planned case."""
    return {
        "id": plan.case_id,
        "name": plan.case_name,
        "file": file,
        "commitment": str(plan.value("commitment")),
        "readiness": str(plan.value("readiness")),
        "emphasis": str(plan.value("emphasis")),
        "plan_type": str(plan.value("plan_type")),
        "services": str(len(plan.services)),
        "first_services": "; ".join(s.id for s in plan.services[:3]),
        "warnings": "; ".join(w.rule for w in plan.warnings),
        "error": "",
    }


def error_row(file: str, error: str, case_id: str = "", name: str = "") -> dict[str, str]:
    """The summary.csv row of a case that could not be planned."""
    row = dict.fromkeys(SUMMARY_COLUMNS, "")
    row.update({"id": case_id, "name": name, "file": file, "error": error})
    return row


class _Worker:
    """Plans case files in one process; the rule base is compiled once per process."""

    advisor: Advisor | None = None
    formats: tuple[str, ...] = ()

    @classmethod
    def start(cls, rules_dir: Path | None, formats: tuple[str, ...]) -> None:
        cls.advisor = Advisor(rules_dir)
        cls.formats = formats

    @classmethod
    def plan(cls, path: Path) -> CaseOutcome:
        assert cls.advisor is not None
        try:
            case = cls.advisor.load(path)
        except CecError as exc:
            return CaseOutcome(str(path), error=str(exc))
        try:
            plan = cls.advisor.plan(case)
            outputs = {fmt: RENDERERS[fmt](plan) for fmt in cls.formats}
        except CecError as exc:
            return CaseOutcome(str(path), case.id, case.name, error=f"{path}: {exc}")
        return CaseOutcome(str(path), case.id, case.name, outputs, summary_row(plan, str(path)))


def _outcomes(files: list[Path], rules_dir: Path | None, formats: tuple[str, ...], jobs: int) -> Iterator[CaseOutcome]:
    if jobs <= 1 or len(files) <= 1:
        _Worker.start(rules_dir, formats)
        yield from (_Worker.plan(path) for path in files)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with context.Pool(jobs, initializer=_Worker.start, initargs=(rules_dir, formats)) as pool:
        yield from pool.imap(_Worker.plan, files, chunksize=chunk)


def duplicate_ids(files: list[Path]) -> dict[str, list[str]]:
    """Case ids declared by more than one file (read from each file's top-level ``id:`` line)."""
    seen: dict[str, list[str]] = {}
    for path in files:
        try:
            found = _ID_LINE.search(path.read_bytes()[:65536])
        except OSError:
            continue
        if found:
            seen.setdefault(found.group(1).decode(), []).append(str(path))
    return {case_id: paths for case_id, paths in seen.items() if len(paths) > 1}


def run_batch(
    sources: Iterable[Path],
    out_dir: Path,
    formats: tuple[str, ...],
    *,
    jobs: int = 1,
    rules_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> BatchReport:
    """Plan every case file under ``sources`` into ``out_dir``; see the module docstring."""
    files = collect_case_files(sources)
    if not files:
        raise UserError("no case files (*.yaml, *.yml) found")
    Advisor(rules_dir)  # a bad rule base stops the batch before any worker starts
    clashes = duplicate_ids(files)
    report = BatchReport()
    rows: list[dict[str, str]] = []
    written_ids: Counter[str] = Counter()
    for outcome in _outcomes(files, rules_dir, formats, jobs):
        if progress is not None:
            progress(1)
        error = outcome.error
        if not error and (outcome.case_id in clashes or written_ids[outcome.case_id]):
            others = [f for f in clashes.get(outcome.case_id, []) if f != outcome.file]
            error = (
                f"{outcome.file}: duplicate case id {outcome.case_id!r} (also in {', '.join(others) or 'this batch'})"
            )
        if error:
            report.failed.append((outcome.file, error))
            rows.append(error_row(outcome.file, error, outcome.case_id, outcome.name))
            continue
        for fmt, text in outcome.outputs.items():
            target = out_dir / f"{outcome.case_id}.{EXTENSIONS[fmt]}"
            write_atomic(target, text)
            report.written.append(target)
        written_ids[outcome.case_id] += 1
        report.planned += 1
        rows.append(outcome.row)
    summary = out_dir / SUMMARY_FILE
    write_atomic(summary, _csv(rows))
    report.written.append(summary)
    return report


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def stderr_is_terminal() -> bool:
    """True when standard error is an interactive terminal (progress bars go there)."""
    return sys.stderr.isatty()
