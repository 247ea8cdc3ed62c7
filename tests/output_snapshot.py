"""The byte-identical check of issue 13: a SHA-256 of every command's output on every sample case.

Usage (from anywhere; it works in the checkout it sits in)::

    python tests/output_snapshot.py record [--out DIR]   # write tests/output_snapshot.json
    python tests/output_snapshot.py check [--out DIR]    # compare with it; exit 1 and list every difference
    python tests/output_snapshot.py check --only plan --only explain

Each run goes through the command line in this process (click's ``CliRunner``),
from the checkout's root so case paths read ``cases/...``. What is hashed is the
exit code, standard output and standard error, with the checkout's path written
``<ROOT>`` and a run's temporary folder ``<TMP>``. ``batch`` and ``generate``
hash every file they write as well, one entry a file; in batch's manifest the
rule base's digest is written ``<RULES>`` (it changes with the rule files' bytes,
which a rule-file format change may alter while every plan stays the same).

``--out DIR`` also writes each normalised output to ``DIR/<command>/<subject>``,
so two runs (before and after a change) can be compared with ``diff -r``.
``--only LABEL`` keeps the commands whose label starts with LABEL (repeatable);
``check`` then compares those entries only.

Commands on every sample case (cases/ and cases/teaching/): plan (markdown,
json, html; markdown and html with --trace), explain (text, json), why and
why-not for three services (text, json), what-if with a fixed --set (text,
json), diagram (mermaid, dot), validate (text, json), coverage (text, json),
interview --from the case (then quit). Once: services (list, json, three
services), schema, validate, coverage (text, json, html, --conditions) of both
folders, lint --select CEC201 (text, json, github, sarif), test -k, batch of both
folders (csv and json summary), generate of a few seeded cases, and two
errors (a service not in the catalogue, a missing case file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from cec_advisor.cli.main import main as cli

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "output_snapshot.json"
CASE_FOLDERS = ("cases", "cases/teaching")
SERVICES = ("instructional-model", "interest-based-bargaining", "standards-based-curriculum")
WHAT_IF = ("--set", "culture.trust=high")
ONCE = "-"
"""The subject of a command run once rather than per case."""


@dataclass(frozen=True)
class Run:
    """One command line: its label (the command and options), its subject (a case, or ``-``) and its arguments."""

    label: str
    subject: str
    args: tuple[str, ...]
    stdin: str | None = None


def sample_cases() -> list[str]:
    """Every sample case, as a path relative to the checkout (``cases/x.yaml``), sorted."""
    return sorted(str(path.relative_to(ROOT)) for folder in CASE_FOLDERS for path in (ROOT / folder).glob("*.yaml"))


def per_case_runs(case: str) -> Iterator[Run]:
    """The command lines run on one sample case."""
    per_case: list[tuple[str, tuple[str, ...]]] = [
        ("plan -f markdown", ("plan", case, "-f", "markdown")),
        ("plan -f json", ("plan", case, "-f", "json")),
        ("plan -f html", ("plan", case, "-f", "html")),
        ("plan -f markdown --trace", ("plan", case, "-f", "markdown", "--trace")),
        ("plan -f html --trace", ("plan", case, "-f", "html", "--trace")),
        ("explain", ("explain", case)),
        ("explain -f json", ("explain", case, "-f", "json")),
    ]
    for service in SERVICES:
        for fmt in ("text", "json"):
            per_case.append((f"why {service} -f {fmt}", ("why", case, service, "-f", fmt)))
            per_case.append((f"why-not {service} -f {fmt}", ("why-not", case, service, "-f", fmt)))
    per_case += [
        (f"what-if {' '.join(WHAT_IF)}", ("what-if", case, *WHAT_IF)),
        (f"what-if {' '.join(WHAT_IF)} -f json", ("what-if", case, *WHAT_IF, "-f", "json")),
        ("diagram", ("diagram", case)),
        ("diagram --dot", ("diagram", case, "--dot")),
        ("validate", ("validate", case)),
        ("validate -f json", ("validate", case, "-f", "json")),
        ("coverage", ("coverage", case)),
        ("coverage -f json", ("coverage", case, "-f", "json")),
    ]
    for label, args in per_case:
        yield Run(label, case, args)
    yield Run("interview --from (quit)", case, ("interview", "--from", case), stdin="quit\n")


def once_runs() -> Iterator[Run]:
    """The command lines run once, over the whole rule base or both case folders."""
    both = CASE_FOLDERS
    yield Run("services", ONCE, ("services",))
    yield Run("services -f json", ONCE, ("services", "-f", "json"))
    for service in SERVICES:
        yield Run(f"services {service}", ONCE, ("services", service))
        yield Run(f"services {service} -f json", ONCE, ("services", service, "-f", "json"))
    yield Run("schema", ONCE, ("schema",))
    yield Run("validate (both folders)", ONCE, ("validate", *both))
    yield Run("validate -f json (both folders)", ONCE, ("validate", "-f", "json", *both))
    for fmt in ("text", "json", "html"):
        yield Run(f"coverage -f {fmt} (both folders)", ONCE, ("coverage", "-f", fmt, *both))
    yield Run("coverage --conditions (both folders)", ONCE, ("coverage", "--conditions", *both))
    for fmt in ("text", "json", "github", "sarif"):
        yield Run(f"lint --select CEC201 -f {fmt}", ONCE, ("lint", "--select", "CEC201", "-f", fmt))
    yield Run("test -k 'K1 or K7'", ONCE, ("test", "-k", "K1 or K7"))
    yield Run("test -k 'K3 and silent' -f json", ONCE, ("test", "-k", "K3 and silent", "-f", "json"))
    yield Run("why (a service not in the catalogue)", ONCE, ("why", "cases/sig-school.yaml", "no-such-service"))
    yield Run("plan (a missing case file)", ONCE, ("plan", "cases/no-such-case.yaml"))


def all_runs() -> list[Run]:
    """Every command line the snapshot holds, except those that write folders (see :func:`folder_outputs`)."""
    return [run for case in sample_cases() for run in per_case_runs(case)] + list(once_runs())


def normalise(text: str, temp: Path | None = None) -> str:
    """``text`` with the checkout's path written ``<ROOT>`` and ``temp`` (as given and resolved) ``<TMP>``."""
    if temp is not None:
        for form in {str(temp.resolve()), str(temp)}:
            text = text.replace(form, "<TMP>")
    return text.replace(str(ROOT), "<ROOT>")


def invoke(args: Sequence[str], stdin: str | None = None, temp: Path | None = None) -> str:
    """Run one command line in this process; its exit code, standard output and standard error, normalised."""
    result = CliRunner().invoke(cli, list(args), input=stdin)
    crash = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = f"--- exception ---\n{type(result.exception).__name__}: {result.exception}\n"
    text = f"exit {result.exit_code}\n--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}{crash}"
    return normalise(text, temp)


BATCHES = {
    "batch -f json,markdown,html": ("--format", "json,markdown,html"),
    "batch -f json --summary json": ("--format", "json", "--summary", "json"),
}
GENERATE = ("generate --count 8 --seed 3", ("generate", "--count", "8", "--seed", "3"))


def folder_outputs(chosen: Callable[[str], bool]) -> Iterator[tuple[str, str, str]]:
    """(label, subject, output) for the chosen commands that write a folder: their console output, then each file."""
    runs = [(label, ("batch", *CASE_FOLDERS, *options)) for label, options in BATCHES.items()] + [GENERATE]
    for label, args in runs:
        if not chosen(label):
            continue
        with tempfile.TemporaryDirectory(prefix="cec-snapshot-") as name:
            temp = Path(name)
            out = temp / "out"
            yield label, ONCE, invoke([*args, "--out", str(out)], temp=temp)
            for path in sorted(out.iterdir()):
                text = normalise(path.read_text(encoding="utf-8"), temp)
                if path.name == ".cec-advisor-batch.jsonl":
                    text = re.sub(r'"rules": "[0-9a-f]+"', '"rules": "<RULES>"', text)
                yield label, path.name, text


def outputs(only: Sequence[str] = ()) -> Iterator[tuple[str, str, str]]:
    """(label, subject, normalised output) of every run whose label starts with one of ``only`` (all if empty)."""

    def chosen(label: str) -> bool:
        return not only or label.startswith(tuple(only))

    for run in all_runs():
        if chosen(run.label):
            yield run.label, run.subject, invoke(run.args, run.stdin)
    yield from folder_outputs(chosen)


def digest(text: str) -> str:
    """The SHA-256 of ``text`` in UTF-8, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "_"


@contextmanager
def _in_root() -> Iterator[None]:
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


def snapshot(only: Sequence[str] = (), out: Path | None = None) -> dict[str, dict[str, str]]:
    """{label: {subject: sha256}} of the chosen outputs; with ``out``, each output is also written under it."""
    found: dict[str, dict[str, str]] = {}
    with _in_root():
        for label, subject, text in outputs(only):
            found.setdefault(label, {})[subject] = digest(text)
            if out is not None:
                target = out / _slug(label) / _slug(subject)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    return found


def differences(
    recorded: dict[str, dict[str, str]], found: dict[str, dict[str, str]], only: Sequence[str] = ()
) -> list[str]:
    """One line per (label, subject) that differs, is missing or is new.

    ``only`` narrows ``recorded`` as it narrowed ``found``: what was not run is not missing.
    """
    lines: list[str] = []
    labels = sorted(label for label in recorded.keys() | found.keys() if not only or label.startswith(tuple(only)))
    for label in labels:
        was, now = recorded.get(label, {}), found.get(label, {})
        for subject in sorted(was.keys() | now.keys()):
            if subject not in now:
                lines.append(f"missing  {label}  {subject}")
            elif subject not in was:
                lines.append(f"new      {label}  {subject}")
            elif was[subject] != now[subject]:
                lines.append(f"changed  {label}  {subject}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Record or check the snapshot; 0 when recorded or identical, 1 when anything differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("action", choices=["record", "check"])
    parser.add_argument("--out", type=Path, help="Also write every normalised output under this folder.")
    parser.add_argument("--only", action="append", default=[], metavar="LABEL", help="Commands whose label starts so.")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT, help="The JSON file of hashes.")
    options = parser.parse_args(argv)
    if options.action == "record" and options.only:
        parser.error("record writes the whole snapshot: --only is for check")
    found = snapshot(options.only, options.out)
    count = sum(len(subjects) for subjects in found.values())
    if options.action == "record":
        options.snapshot.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {count} outputs of {len(found)} commands in {options.snapshot}")
        return 0
    recorded = json.loads(options.snapshot.read_text(encoding="utf-8"))
    lines = differences(recorded, found, options.only)
    for line in lines:
        print(line)
    if lines:
        print(f"{len(lines)} difference(s) among {count} outputs of {len(found)} commands")
        return 1
    print(f"{count} outputs of {len(found)} commands identical to {options.snapshot.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
