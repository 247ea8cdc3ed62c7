"""Batch runs: plan many case files, write one output per case and format, and a summary.

A bad case never costs the good ones: its one-line error is kept, its row in
``summary.csv`` says why, and the run goes on. Cases that share an id are all
refused (their outputs would overwrite each other). With ``jobs > 1`` the cases
are planned in worker processes; results are consumed in input order, so the
files written are byte-identical to a ``jobs=1`` run. Every file is written
atomically.

The parts, one module each: :mod:`~cec_advisor.consult.scan` (digests and
duplicate ids), :mod:`~cec_advisor.consult.workers` (the planning, here or in
worker processes), :mod:`~cec_advisor.consult.outfolder` (the locked output
folder and its atomic files), :mod:`~cec_advisor.consult.resume` (the record
``--resume`` reads) and :mod:`~cec_advisor.consult.summary` (the summary table).
This module runs them in order and writes each case's outputs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cec_advisor.advisor import Advisor
from cec_advisor.consult.outfolder import OutputFolder, StreamedFile
from cec_advisor.consult.resume import MANIFEST_FILE, ReusedCase, batch_stamp, previous_run, reusable
from cec_advisor.consult.scan import scan_sources
from cec_advisor.consult.summary import SUMMARY_FORMATS, SummaryText, error_row
from cec_advisor.consult.workers import CaseOutcome, plan_cases
from cec_advisor.errors import UserError
from cec_advisor.io.fileio import write_atomic
from cec_advisor.io.interrupts import held_interrupts
from cec_advisor.io.sources import collect_case_files

EXTENSIONS = {"markdown": "md", "json": "json", "html": "html"}
"""The plan formats a batch writes, and the file name extension of each."""

__all__ = ["EXTENSIONS", "BatchReport", "parse_formats", "run_batch"]


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
    stamp = batch_stamp(advisor.rulebase.digest, formats, trace)
    with OutputFolder(out_dir):
        run = _Run(files, out_dir, stamp, resume)
        unplanned = [f for f, r in zip(files, run.reused, strict=True) if r is None]
        planned = plan_cases(unplanned, rules_dir, formats, jobs, trace, advisor)
        run.write(planned, SummaryText(summary_format), out_dir / SUMMARY_FORMATS[summary_format], progress)
    return run.report


class _Run:
    """One batch run into a locked output folder: what it can reuse, what it writes, and its report."""

    def __init__(self, files: list[str], out_dir: Path, stamp: dict[str, Any], resume: bool) -> None:
        self.files, self.out_dir, self.stamp = files, out_dir, stamp
        previous = previous_run(out_dir, stamp) if resume else {}
        self.digests, self.clashes = scan_sources(files)
        self.reused = [reusable(previous.get(f), d, out_dir) for f, d in zip(files, self.digests, strict=True)]
        self.report = BatchReport()
        self.written_ids: set[str] = set()

    def write(
        self,
        planned: Generator[CaseOutcome, None, None],
        text: SummaryText,
        summary_path: Path,
        progress: Callable[[int], None] | None,
    ) -> None:
        """Write every case's outputs, the summary and the manifest; ``planned`` yields the cases not reused.

        The summary is put in place only when the run ends normally; the
        manifest is written in place, line by line, so a kill keeps the record
        of what is done. Closing ``planned`` when interrupted stops the workers at once.
        """
        summary: StreamedFile | None = None
        manifest: StreamedFile | None = None
        finished = False
        try:
            # Both are assigned before Ctrl-C can stop us, so the finally removes their temporary files.
            with held_interrupts():
                summary = StreamedFile(summary_path)
                manifest = StreamedFile(self.out_dir / MANIFEST_FILE, in_place=True)
            self._write_cases(planned, text, summary, manifest, progress)
            finished = True
        finally:
            planned.close()  # when interrupted: stops the workers at once
            for streamed in (summary, manifest):
                if streamed is not None:
                    streamed.close(commit=finished)
        assert summary is not None and manifest is not None
        self.report.files_written += 0 if summary.error else 1
        self.report.output_errors.extend(error for error in (summary.error, manifest.error) if error)

    def _write_cases(
        self,
        planned: Generator[CaseOutcome, None, None],
        text: SummaryText,
        summary: StreamedFile,
        manifest: StreamedFile,
        progress: Callable[[int], None] | None,
    ) -> None:
        """Each case in input order: its outputs, its summary row, its manifest line; then the summary's end."""
        summary.write(text.start())
        manifest.write(json.dumps(self.stamp) + "\n", flush=True)
        for file, digest, earlier in zip(self.files, self.digests, self.reused, strict=True):
            outcome = next(planned) if earlier is None else None
            row, entry = self._record(file, outcome, earlier)
            summary.write(text.row(row))
            if entry is not None:
                manifest.write(json.dumps({"file": file, "source": digest, **entry}) + "\n", flush=True)
            if progress is not None:
                progress(1)
        next(planned, None)  # let the workers finish cleanly
        summary.write(text.end(self.report.planned, len(self.report.failed)))

    def _record(
        self, file: str, outcome: CaseOutcome | None, earlier: ReusedCase | None
    ) -> tuple[dict[str, str], dict[str, Any] | None]:
        """Write one case's outputs (or count its error); return its summary row and its manifest entry."""
        if earlier is not None:
            case_id, name, error = earlier.case_id, earlier.name, ""
        else:
            assert outcome is not None
            case_id, name, error = outcome.case_id, outcome.name, outcome.error
        if not error and (case_id in self.clashes or case_id in self.written_ids):
            others = [f for f in self.clashes.get(case_id, []) if f != file]
            error = f"{file}: duplicate case id {case_id!r} (also in {', '.join(others) or 'this batch'})"
        written: dict[str, str] = {}
        if not error and earlier is not None:
            written = earlier.outputs
            self.report.reused += 1
        elif not error and outcome is not None:
            written, error = self._write_outputs(file, case_id, outcome)
        if error:
            self.report.failed.append((file, error))
            return error_row(file, error, case_id, name), None
        self.written_ids.add(case_id)
        self.report.planned += 1
        row = earlier.row if earlier is not None else outcome.row if outcome is not None else {}
        return row, {"id": case_id, "name": name, "outputs": written, "row": row}

    def _write_outputs(self, file: str, case_id: str, outcome: CaseOutcome) -> tuple[dict[str, str], str]:
        """Write a planned case's outputs, each atomically; the digests of those written, and the first error."""
        written: dict[str, str] = {}
        for fmt, text in outcome.outputs.items():
            target = self.out_dir / f"{case_id}.{EXTENSIONS[fmt]}"
            try:
                write_atomic(target, text, sync=False)
            except UserError as exc:
                return written, f"{file}: {exc}"
            written[target.name] = hashlib.sha256(text.encode("utf-8")).hexdigest()
            self.report.files_written += 1
        return written, ""
