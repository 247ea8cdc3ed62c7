"""The batch's first look at its case files: each file's digest, and the case ids more than one file declares.

Cases that share an id are all refused (their outputs would overwrite each
other); the digests tell ``--resume`` which files changed since the last run.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from array import array
from pathlib import Path

from cec_advisor.errors import CaseFileError
from cec_advisor.io.fileio import read_regular
from cec_advisor.io.yamlsource import MAX_BYTES, read_yaml

_ID_LINE = re.compile(
    rb"^[\"']?id[\"']?[ \t]*:[ \t]*[\"']?([a-z0-9][a-z0-9-]{0,63})[\"']?[ \t]*(?:#.*)?\r?$", re.MULTILINE
)

__all__ = ["duplicate_ids", "scan_sources"]


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
