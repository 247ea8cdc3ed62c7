"""Batch runs: plan many case files, write one output per case and format, and a summary.

A bad case never costs the good ones: its one-line error is kept, its row in
``summary.csv`` says why, and the run goes on. Cases that share an id are all
refused (their outputs would overwrite each other). With ``jobs > 1`` the cases
are planned in worker processes; results are consumed in input order, so the
files written are byte-identical to a ``jobs=1`` run. Every file is written
atomically.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import itertools
import multiprocessing
import os
import re
import tempfile
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from cec_advisor.advisor import Advisor
from cec_advisor.errors import CecError, EngineError, UserError
from cec_advisor.fileio import output_mode, read_regular, write_atomic
from cec_advisor.plan import Plan
from cec_advisor.render import render

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
    """The result of a batch: how many cases were planned and files written, and the errors of the others."""

    planned: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    files_written: int = 0

    @property
    def ok(self) -> bool:
        """True when every case was planned."""
        return not self.failed


def collect_case_files(sources: Iterable[Path]) -> list[str]:
    """Expand folders into their ``*.yaml`` / ``*.yml`` files (sorted); keep files as given, without repeats.

    Paths are plain strings: a batch of 100,000 files keeps only their names in memory.
    """
    given = list(sources)
    files: list[str] = []
    for source in given:
        if source.is_dir():
            found: list[str] = []
            for folder, _, names in os.walk(source):
                found.extend(os.path.join(folder, n) for n in names if n.endswith((".yaml", ".yml")))
            found.sort()
            files.extend(found)
        else:
            files.append(str(source))
    return files if len(given) == 1 else list(dict.fromkeys(files))


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


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP CSV injection)."""


def csv_safe(value: str) -> str:
    """``value`` made inert for spreadsheets: a cell that starts like a formula gets a leading quote."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def error_row(file: str, error: str, case_id: str = "", name: str = "") -> dict[str, str]:
    """The summary.csv row of a case that could not be planned."""
    row = dict.fromkeys(SUMMARY_COLUMNS, "")
    row.update({"id": case_id, "name": name, "file": file, "error": error})
    return row


class _Worker:
    """Plans case files in one process; the rule base is compiled once per process."""

    advisor: Advisor | None = None
    formats: tuple[str, ...] = ()
    trace: bool = False

    @classmethod
    def start(cls, rules_dir: Path | None, formats: tuple[str, ...], trace: bool = False) -> None:
        cls.advisor = Advisor(rules_dir)
        cls.formats = formats
        cls.trace = trace

    @classmethod
    def plan(cls, name: str) -> CaseOutcome:
        assert cls.advisor is not None
        path = Path(name)
        try:
            case = cls.advisor.load(path)
        except CecError as exc:
            return CaseOutcome(str(path), error=str(exc))
        try:
            plan = cls.advisor.plan(case)
            outputs = {fmt: render(fmt, plan, trace=cls.trace) for fmt in cls.formats}
        except CecError as exc:
            return CaseOutcome(str(path), case.id, case.name, error=f"{path}: {exc}")
        return CaseOutcome(str(path), case.id, case.name, outputs, summary_row(plan, str(path)))


def _outcomes(
    files: list[str], rules_dir: Path | None, formats: tuple[str, ...], jobs: int, trace: bool = False
) -> Iterator[CaseOutcome]:
    if jobs <= 1 or len(files) <= 1:
        _Worker.start(rules_dir, formats, trace)
        yield from (_Worker.plan(path) for path in files)
        return
    yield from _Supervisor(files, rules_dir, formats, jobs, trace).run()


def _worker_main(connection: Connection, rules_dir: Path | None, formats: tuple[str, ...], trace: bool) -> None:
    """A worker process: plan each chunk of (index, path) it receives, answering case by case."""
    _Worker.start(rules_dir, formats, trace)
    while True:
        chunk = connection.recv()
        if chunk is None:
            return
        for index, path in chunk:
            connection.send((index, _Worker.plan(path)))


@dataclass
class _Handle:
    process: BaseProcess
    connection: Connection
    in_flight: deque[tuple[int, str]] = field(default_factory=deque)
    served: int = 0


class _Supervisor:
    """Worker processes that survive each other's crashes.

    A worker that dies (a segfault in the C engine, say) costs only the case
    it was running: that case is reported as crashed, the rest of its chunk
    goes back to the queue, and a new worker takes its place. Results are
    yielded in input order.
    """

    CHUNK = 16
    MAX_START_FAILURES = 3

    def __init__(
        self, files: list[str], rules_dir: Path | None, formats: tuple[str, ...], jobs: int, trace: bool = False
    ) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.context: Any = multiprocessing.get_context(method)
        self.source = iter(enumerate(files))  # tasks are taken as workers need them: no queue of every case
        self.retry: deque[tuple[int, str]] = deque()
        self.exhausted = False
        self.rules_dir, self.formats, self.jobs, self.trace = rules_dir, formats, jobs, trace
        self.chunk = max(1, min(self.CHUNK, len(files) // (jobs * 4) or 1))
        self.start_failures = 0

    def _start(self) -> _Handle:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main, args=(child, self.rules_dir, self.formats, self.trace), daemon=True
        )
        process.start()
        child.close()
        return _Handle(process, parent)

    def _take(self, count: int) -> list[tuple[int, str]]:
        chunk = [self.retry.popleft() for _ in range(min(count, len(self.retry)))]
        while len(chunk) < count and not self.exhausted:
            task = next(self.source, None)
            if task is None:
                self.exhausted = True
            else:
                chunk.append(task)
        return chunk

    def _feed(self, handle: _Handle) -> None:
        while len(handle.in_flight) < 2 * self.chunk:
            chunk = self._take(self.chunk)
            if not chunk:
                return
            handle.in_flight.extend(chunk)
            handle.connection.send(chunk)

    def run(self) -> Iterator[CaseOutcome]:
        workers = [self._start() for _ in range(self.jobs)]
        done: dict[int, CaseOutcome] = {}
        next_index = 0
        try:
            while True:
                for handle in workers:
                    self._feed(handle)
                watched: dict[Any, _Handle] = {}
                for w in workers:
                    if w.in_flight:
                        watched[w.connection] = w
                        watched[w.process.sentinel] = w
                if not watched:
                    break  # every worker was offered work and none is left: all cases are done
                for ready in wait(list(watched)):
                    handle = watched[ready]
                    if handle not in workers:
                        continue
                    if not self._receive(handle, done):
                        workers[workers.index(handle)] = self._replace(handle, done)
                while next_index in done:
                    yield done.pop(next_index)
                    next_index += 1
            while next_index in done:
                yield done.pop(next_index)
                next_index += 1
        finally:
            for handle in workers:
                with contextlib.suppress(OSError, ValueError):
                    handle.connection.send(None)
                handle.process.join(timeout=5)
                if handle.process.is_alive():
                    handle.process.kill()

    def _receive(self, handle: _Handle, done: dict[int, CaseOutcome]) -> bool:
        """Take every result the worker has sent; False when the worker is gone."""
        try:
            while handle.connection.poll():
                index, outcome = handle.connection.recv()
                handle.in_flight.popleft()
                handle.served += 1
                done[index] = outcome
        except (EOFError, OSError):
            return False
        return handle.process.is_alive()

    def _replace(self, handle: _Handle, done: dict[int, CaseOutcome]) -> _Handle:
        handle.process.join(timeout=5)
        code = handle.process.exitcode
        if handle.in_flight:
            index, path = handle.in_flight.popleft()
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            done[index] = CaseOutcome(
                str(path),
                error=f"{path}: the rule engine crashed while planning this case ({how}); the batch went on without it",
            )
            self.retry.extendleft(reversed(handle.in_flight))
        elif handle.served == 0:
            self.start_failures += 1
            if self.start_failures >= self.MAX_START_FAILURES:
                raise EngineError("batch workers keep dying before planning any case")
        handle.connection.close()
        return self._start()


def duplicate_ids(files: list[str]) -> dict[str, list[str]]:
    """Case ids declared by more than one file (read from each file's top-level ``id:`` line).

    The first pass keeps only 8-byte hashes of the ids in a packed array; files
    are read a second time only when some hash repeats, to name the duplicates
    and their files.
    """
    hashes = array("Q")
    for path in files:
        case_id = _scanned_id(path)
        if case_id is not None:
            hashes.append(_id_hash(case_id))
    ordered = sorted(hashes)
    repeated = {a for a, b in itertools.pairwise(ordered) if a == b}
    del hashes, ordered
    if not repeated:
        return {}
    found: dict[str, list[str]] = {}
    for path in files:
        case_id = _scanned_id(path)
        if case_id is not None and _id_hash(case_id) in repeated:
            found.setdefault(case_id, []).append(path)
    return {case_id: paths for case_id, paths in found.items() if len(paths) > 1}


def _id_hash(case_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(case_id.encode(), digest_size=8).digest(), "big")


def _scanned_id(path: str) -> str | None:
    try:
        found = _ID_LINE.search(read_regular(path, 65536))
    except OSError:
        return None
    return found.group(1).decode() if found else None


def run_batch(
    sources: Iterable[Path],
    out_dir: Path,
    formats: tuple[str, ...],
    *,
    jobs: int = 1,
    rules_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    trace: bool = False,
) -> BatchReport:
    """Plan every case file under ``sources`` into ``out_dir``; see the module docstring."""
    files = collect_case_files(sources)
    if not files:
        raise UserError("no case files (*.yaml, *.yml) found")
    Advisor(rules_dir)  # a bad rule base stops the batch before any worker starts
    clashes = duplicate_ids(files)
    report = BatchReport()
    written_ids: set[str] = set()
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = out_dir / SUMMARY_FILE
    # summary.csv is streamed to a temporary file and renamed into place at the end: constant memory, atomic.
    handle, temporary = tempfile.mkstemp(prefix=f".{SUMMARY_FILE}.", suffix=".tmp", dir=out_dir)
    os.fchmod(handle, output_mode(summary))
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for outcome in _outcomes(files, rules_dir, formats, jobs, trace):
                if progress is not None:
                    progress(1)
                row = _record(outcome, clashes, written_ids, out_dir, report)
                writer.writerow({column: csv_safe(value) for column, value in row.items()})
        os.replace(temporary, summary)
    finally:
        Path(temporary).unlink(missing_ok=True)
    report.files_written += 1
    return report


def _record(
    outcome: CaseOutcome, clashes: dict[str, list[str]], written_ids: set[str], out_dir: Path, report: BatchReport
) -> dict[str, str]:
    """Write one case's outputs (or count its error) and return its summary row."""
    error = outcome.error
    if not error and (outcome.case_id in clashes or outcome.case_id in written_ids):
        others = [f for f in clashes.get(outcome.case_id, []) if f != outcome.file]
        error = f"{outcome.file}: duplicate case id {outcome.case_id!r} (also in {', '.join(others) or 'this batch'})"
    if error:
        report.failed.append((outcome.file, error))
        return error_row(outcome.file, error, outcome.case_id, outcome.name)
    for fmt, text in outcome.outputs.items():
        write_atomic(out_dir / f"{outcome.case_id}.{EXTENSIONS[fmt]}", text, sync=False)
        report.files_written += 1
    written_ids.add(outcome.case_id)
    report.planned += 1
    return outcome.row
