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
import ctypes
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import ModuleType
from typing import Any

from cec_advisor import __version__
from cec_advisor.advisor import Advisor
from cec_advisor.errors import CaseFileError, CecError, EngineError, UserError
from cec_advisor.io.fileio import not_a_folder, output_mode, read_regular, write_atomic
from cec_advisor.io.interrupts import held_interrupts
from cec_advisor.io.safetext import csv_safe
from cec_advisor.io.sources import collect_case_files
from cec_advisor.io.yamlsource import MAX_BYTES, read_yaml
from cec_advisor.plan.build import Plan
from cec_advisor.render import render

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not POSIX: batches into one folder are then not guarded against each other
    fcntl = None

SUMMARY_FILE = "summary.csv"
SUMMARY_FORMATS = {"csv": "summary.csv", "json": "summary.json"}
"""The summary's formats and file names: a spreadsheet's CSV, or JSON for tools."""
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
MANIFEST_FILE = ".cec-advisor-batch.jsonl"
"""What the last run into a folder wrote, case by case (what ``--resume`` reads): one JSON object per line."""
_ID_LINE = re.compile(
    rb"^[\"']?id[\"']?[ \t]*:[ \t]*[\"']?([a-z0-9][a-z0-9-]{0,63})[\"']?[ \t]*(?:#.*)?\r?$", re.MULTILINE
)
_STALE_TEMPORARY = re.compile(r"^\..+\.(?:md|json|html|csv)\.[a-z0-9_]{8}\.tmp$")
"""The temporary files this tool writes before an atomic rename (``.riverside-42.json.k2j4x9_a.tmp``)."""


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
    reused: int = 0
    """Cases ``--resume`` did not plan again (counted in ``planned`` too)."""
    output_errors: list[str] = field(default_factory=list)
    """Files of the batch itself (summary.csv, the manifest) that could not be written."""

    @property
    def ok(self) -> bool:
        """True when every case was planned and every file written."""
        return not self.failed and not self.output_errors


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
    trace: bool = False

    @classmethod
    def start(
        cls, rules_dir: Path | None, formats: tuple[str, ...], trace: bool = False, advisor: Advisor | None = None
    ) -> None:
        cls.advisor = advisor or Advisor(rules_dir)
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
    files: list[str],
    rules_dir: Path | None,
    formats: tuple[str, ...],
    jobs: int,
    trace: bool = False,
    advisor: Advisor | None = None,
) -> Generator[CaseOutcome, None, None]:
    """Each file's outcome, in input order: planned here with ``advisor`` (one job) or by worker processes."""
    if jobs <= 1 or len(files) <= 1:
        _Worker.start(rules_dir, formats, trace, advisor)
        yield from (_Worker.plan(path) for path in files)
        return
    yield from _Supervisor(files, rules_dir, formats, jobs, trace).run()


def _worker_main(
    connection: Connection, parent: int, rules_dir: Path | None, formats: tuple[str, ...], trace: bool
) -> None:
    """A worker process: plan each chunk of (index, path) it receives, answering case by case.

    The worker ignores Ctrl-C (the parent decides what an interrupt means and
    stops the workers itself) and dies with its parent, however the parent ends.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while it started us
    _die_with_parent(parent)
    _Worker.start(rules_dir, formats, trace)
    while True:
        chunk = connection.recv()
        if chunk is None:
            return
        for index, path in chunk:
            connection.send((index, _Worker.plan(path)))


PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal the kernel sends a process when its parent ends."""


def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does: a kernel parent-death signal on Linux, else a watcher thread."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent ended before the signal was armed
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watcher", daemon=True).start()


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
            target=_worker_main, args=(child, os.getpid(), self.rules_dir, self.formats, self.trace), daemon=True
        )
        # Ctrl-C is blocked while the worker starts, so it is born with it blocked and can ignore it
        # before any arrives; one pressed meanwhile reaches this process when it is unblocked.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
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
        except BaseException:
            # interrupted, or the consumer stopped: the workers' results are no longer wanted
            for handle in workers:
                handle.process.kill()
            for handle in workers:
                handle.process.join(timeout=5)
            raise
        for handle in workers:
            with contextlib.suppress(OSError, ValueError):
                handle.connection.send(None)
        for handle in workers:
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
    """Case ids declared by more than one file, with those files; see :func:`scan_sources`."""
    return scan_sources(files)[1]


def scan_sources(files: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The SHA-256 of each file's bytes ("" if unreadable) and the case ids that more than one file declares.

    Each file is read once. Lines that look like a top-level ``id:`` are only
    candidates (a multi-line quoted name can hold such a line): their 8-byte
    hashes are kept in a packed array, and only files with a repeated
    candidate are parsed as YAML to read the id they really declare.
    """
    digests: list[str] = []
    hashes = array("Q")
    for path in files:
        try:
            raw = read_regular(path, MAX_BYTES + 1)
        except OSError:
            digests.append("")
            continue
        digests.append(hashlib.sha256(raw).hexdigest())
        hashes.extend({_id_hash(found.decode()) for found in _ID_LINE.findall(raw)})
    ordered = sorted(hashes)
    repeated = {a for a, b in itertools.pairwise(ordered) if a == b}
    del hashes, ordered
    if not repeated:
        return digests, {}
    found: dict[str, list[str]] = {}
    for path in files:
        if not _candidate_ids(path) & repeated:
            continue
        case_id = _declared_id(path)
        if case_id is not None:
            found.setdefault(case_id, []).append(path)
    return digests, {case_id: paths for case_id, paths in found.items() if len(paths) > 1}


def _id_hash(case_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(case_id.encode(), digest_size=8).digest(), "big")


def _candidate_ids(path: str) -> set[int]:
    try:
        return {_id_hash(found.decode()) for found in _ID_LINE.findall(read_regular(path, MAX_BYTES + 1))}
    except OSError:
        return set()


def _declared_id(path: str) -> str | None:
    """The ``id`` a case file really declares (parsed, not pattern-matched), or None if it has none."""
    try:
        data = read_yaml(Path(path), CaseFileError).data
    except CaseFileError:
        return None
    case_id = data.get("id") if isinstance(data, dict) else None
    return case_id if isinstance(case_id, str) else None


@dataclass(frozen=True)
class _Reused:
    """A case the last run planned from the same bytes, rules and formats, whose outputs are all intact."""

    case_id: str
    name: str
    row: dict[str, str]
    outputs: dict[str, str]


def _batch_stamp(rules_digest: str, formats: tuple[str, ...], trace: bool) -> dict[str, Any]:
    """What makes outputs comparable between runs: the tool, the rule base and how the plans were rendered."""
    return {"tool": __version__, "rules": rules_digest, "formats": list(formats), "trace": trace}


def _previous_run(out_dir: Path, stamp: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest entries of the last run into ``out_dir`` by file, if it was made with the same ``stamp``.

    A missing, foreign or damaged manifest means nothing can be reused (a
    line cut short by a kill is skipped): every case is planned again.
    """
    try:
        lines = (out_dir / MANIFEST_FILE).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    entries: dict[str, dict[str, Any]] = {}
    for number, line in enumerate(lines):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or (number == 0 and entry != stamp):
            return {}
        if number and isinstance(entry.get("file"), str):
            entries[entry["file"]] = entry
    return entries


def _reusable(entry: dict[str, Any] | None, source_digest: str, out_dir: Path) -> _Reused | None:
    """``entry`` as a reusable result when its source bytes match and every output it wrote is unchanged."""
    if entry is None or not source_digest or entry.get("source") != source_digest:
        return None
    try:
        outputs: dict[str, str] = entry["outputs"]
        for name, digest in outputs.items():
            if hashlib.sha256(read_regular(out_dir / name, 1 << 26)).hexdigest() != digest:
                return None
        row = {column: entry["row"][column] for column in SUMMARY_COLUMNS}
        if not all(isinstance(value, str) for value in (*row.values(), *outputs, *outputs.values())):
            return None  # a damaged or hand-edited record: plan the case again
        return _Reused(str(entry["id"]), str(entry["name"]), row, outputs)
    except (OSError, KeyError, TypeError, ValueError, AttributeError):
        return None


class _OutputFolder:
    """The batch's output folder: created, checked, locked against a second batch, cleared of stale temporaries.

    The lock is an advisory ``flock`` on the folder itself, held for the whole
    run and released by the kernel however the process ends (worker
    processes die with their parent, so they cannot keep it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: int | None = None

    def __enter__(self) -> _OutputFolder:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise UserError(f"{self.path}: cannot write: {not_a_folder(self.path)} is a file, not a folder") from None
        except OSError as exc:
            raise UserError(f"{self.path}: cannot create the folder: {exc.strerror}") from None
        try:  # a real write, not os.access: it also catches root on a read-only file system
            with held_interrupts():
                probe, name = tempfile.mkstemp(prefix=".cec-advisor-probe.", dir=self.path)
                os.close(probe)
                os.unlink(name)
        except OSError as exc:
            raise UserError(f"{self.path}: cannot write into this folder: {exc.strerror}") from None
        if fcntl is not None:
            self.handle = os.open(self.path, os.O_RDONLY)
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(self.handle)
                self.handle = None
                raise UserError(
                    f"{self.path}: another cec-advisor batch is writing into this folder; "
                    "wait for it to finish or choose another --out"
                ) from None
        for entry in os.scandir(self.path):
            if _STALE_TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)  # left by a run that was killed: no live writer, we hold the lock
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            os.close(self.handle)
            self.handle = None


class _StreamedFile:
    """A file written line by line into a temporary file and renamed into place at the end (atomic).

    A write that fails (a full disk, a file-size limit) is remembered rather
    than raised, so the batch goes on writing the plans it can; ``error`` says
    what went wrong and the file is then not put in place.
    """

    def __init__(self, path: Path, *, in_place: bool = False) -> None:
        self.path = path
        self.in_place = in_place
        self.error = ""
        self.temporary = ""
        self.stream: Any = None
        try:
            if in_place:
                self.stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
            else:
                handle, self.temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                os.fchmod(handle, output_mode(path))
                self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        except OSError as exc:
            self._fail(exc)

    def write(self, text: str, *, flush: bool = False) -> None:
        """Append ``text`` (and flush it to the kernel when ``flush``: it then survives a kill)."""
        if self.stream is None:
            return
        try:
            self.stream.write(text)
            if flush:
                self.stream.flush()
        except OSError as exc:
            self._fail(exc)

    def close(self, *, commit: bool) -> None:
        """Close; with ``commit`` and no error, put the file in place."""
        if self.stream is not None:
            try:
                self.stream.close()
            except OSError as exc:
                self.stream = None
                self._fail(exc)
            self.stream = None
        if self.temporary:
            if commit and not self.error:
                try:
                    os.replace(self.temporary, self.path)
                except OSError as exc:
                    self._fail(exc)
            Path(self.temporary).unlink(missing_ok=True)

    def _fail(self, exc: OSError) -> None:
        self.error = self.error or f"{self.path}: cannot write: {exc.strerror or exc}"
        if self.stream is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
            self.stream = None


def run_batch(
    sources: Iterable[Path],
    out_dir: Path,
    formats: tuple[str, ...],
    *,
    jobs: int = 1,
    rules_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
    trace: bool = False,
    resume: bool = False,
    summary_format: str = "csv",
) -> BatchReport:
    """Plan every case file under ``sources`` into ``out_dir``; see the module docstring.

    With ``resume``, a case whose outputs the last run into ``out_dir`` wrote
    completely, from the same source bytes, rule base, tool version and
    formats, is not planned again: its outputs stay and its summary row is
    taken from the last run. ``summary_format`` ``json`` writes ``summary.json``
    (the same rows, with counts as numbers and lists as lists) instead of ``summary.csv``.
    """
    files = collect_case_files(sources)
    if not files:
        raise UserError("no case files (*.yaml, *.yml) found")
    advisor = Advisor(rules_dir)  # a bad rule base stops the batch before any worker starts
    stamp = _batch_stamp(advisor.rulebase.digest, formats, trace)
    with _OutputFolder(out_dir):
        previous = _previous_run(out_dir, stamp) if resume else {}
        digests, clashes = scan_sources(files)
        reused = [_reusable(previous.get(f), d, out_dir) for f, d in zip(files, digests, strict=True)]
        del previous
        unplanned = [f for f, r in zip(files, reused, strict=True) if r is None]
        planned = _outcomes(unplanned, rules_dir, formats, jobs, trace, advisor)
        report = BatchReport()
        summary: _StreamedFile | None = None
        manifest: _StreamedFile | None = None
        finished = False
        try:
            # Both are assigned before Ctrl-C can stop us, so the finally removes their temporary files.
            # The manifest is written in place, line by line: a kill keeps the record of what is done.
            with held_interrupts():
                summary = _StreamedFile(out_dir / SUMMARY_FORMATS[summary_format])
                manifest = _StreamedFile(out_dir / MANIFEST_FILE, in_place=True)
            summary.write(_csv_line(SUMMARY_COLUMNS) if summary_format == "csv" else '{"cases": [')
            manifest.write(json.dumps(stamp) + "\n", flush=True)
            written_ids: set[str] = set()
            for number, (file, digest, earlier) in enumerate(zip(files, digests, reused, strict=True)):
                outcome = next(planned) if earlier is None else None
                row, entry = _record(file, outcome, earlier, clashes, written_ids, out_dir, report)
                if summary_format == "csv":
                    summary.write(_csv_line(csv_safe(row[column]) for column in SUMMARY_COLUMNS))
                else:
                    summary.write(("," if number else "") + "\n  " + json.dumps(_json_row(row), ensure_ascii=False))
                if entry is not None:
                    manifest.write(json.dumps({"file": file, "source": digest, **entry}) + "\n", flush=True)
                if progress is not None:
                    progress(1)
            next(planned, None)  # let the workers finish cleanly
            if summary_format == "json":
                summary.write(f'\n], "planned": {report.planned}, "failed": {len(report.failed)}}}\n')
            finished = True
        finally:
            planned.close()  # when interrupted: stops the workers at once
            for streamed in (summary, manifest):
                if streamed is not None:
                    streamed.close(commit=finished)
    assert summary is not None and manifest is not None
    report.files_written += 0 if summary.error else 1
    report.output_errors.extend(error for error in (summary.error, manifest.error) if error)
    return report


def _json_row(row: dict[str, str]) -> dict[str, object]:
    """A summary row for JSON: the number of services as a number, the lists as lists."""
    data: dict[str, object] = dict(row)
    data["services"] = int(row["services"]) if row["services"] else None
    for column in ("first_services", "warnings"):
        data[column] = row[column].split("; ") if row[column] else []
    return data


def _csv_line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(list(cells))
    return buffer.getvalue()


def _record(
    file: str,
    outcome: CaseOutcome | None,
    earlier: _Reused | None,
    clashes: dict[str, list[str]],
    written_ids: set[str],
    out_dir: Path,
    report: BatchReport,
) -> tuple[dict[str, str], dict[str, Any] | None]:
    """Write one case's outputs (or count its error); return its summary row and its manifest entry."""
    if earlier is not None:
        case_id, name, error = earlier.case_id, earlier.name, ""
    else:
        assert outcome is not None
        case_id, name, error = outcome.case_id, outcome.name, outcome.error
    if not error and (case_id in clashes or case_id in written_ids):
        others = [f for f in clashes.get(case_id, []) if f != file]
        error = f"{file}: duplicate case id {case_id!r} (also in {', '.join(others) or 'this batch'})"
    written: dict[str, str] = {}
    if not error and earlier is not None:
        written = earlier.outputs
        report.reused += 1
    elif not error and outcome is not None:
        for fmt, text in outcome.outputs.items():
            target = out_dir / f"{case_id}.{EXTENSIONS[fmt]}"
            try:
                write_atomic(target, text, sync=False)
            except UserError as exc:
                error = f"{file}: {exc}"
                break
            written[target.name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            report.files_written += 1
    if error:
        report.failed.append((file, error))
        return error_row(file, error, case_id, name), None
    written_ids.add(case_id)
    report.planned += 1
    row = earlier.row if earlier is not None else outcome.row if outcome is not None else {}
    return row, {"id": case_id, "name": name, "outputs": written, "row": row}
