"""The batch's record of what it wrote, case by case, and what ``--resume`` reuses from it.

The record (:data:`MANIFEST_FILE` in the output folder) is one JSON object a
line: first the stamp of the run (tool version, rule base, formats), then one
entry per case planned, with the digest of its source and of each output it
wrote. A case is reused only when the stamp, its source bytes and every output
are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cec_advisor import __version__
from cec_advisor.consult.summary import SUMMARY_COLUMNS
from cec_advisor.io.fileio import read_regular

MANIFEST_FILE = ".cec-advisor-batch.jsonl"
"""What the last run into a folder wrote, case by case (what ``--resume`` reads): one JSON object per line."""

__all__ = ["MANIFEST_FILE", "ReusedCase", "batch_stamp", "previous_run", "reusable"]


@dataclass(frozen=True)
class ReusedCase:
    """A case the last run planned from the same bytes, rules and formats, whose outputs are all intact."""

    case_id: str
    name: str
    row: dict[str, str]
    outputs: dict[str, str]


def batch_stamp(rules_digest: str, formats: tuple[str, ...], trace: bool) -> dict[str, Any]:
    """What makes outputs comparable between runs: the tool, the rule base and how the plans were rendered."""
    return {"tool": __version__, "rules": rules_digest, "formats": list(formats), "trace": trace}


def previous_run(out_dir: Path, stamp: dict[str, Any]) -> dict[str, dict[str, Any]]:
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


def reusable(entry: dict[str, Any] | None, source_digest: str, out_dir: Path) -> ReusedCase | None:
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
        return ReusedCase(str(entry["id"]), str(entry["name"]), row, outputs)
    except (OSError, KeyError, TypeError, ValueError, AttributeError):
        return None
