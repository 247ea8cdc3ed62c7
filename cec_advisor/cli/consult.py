"""Consultants' commands: plan, batch, validate, schema, services and interview.

Modules only some commands need are imported inside those commands, so ``plan`` starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from cec_advisor.advisor import Advisor
from cec_advisor.cli import colour as colour
from cec_advisor.cli.app import (
    OutputPath,
    echo,
    emit_json,
    format_option,
    main,
    rules_option,
    trace_option,
)
from cec_advisor.errors import CaseFileError, Interrupted, UserError
from cec_advisor.io.fileio import write_atomic
from cec_advisor.io.safetext import printable
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import case_from_data, case_problems
from cec_advisor.render import RENDERERS, render
from cec_advisor.rulebase.load import load_rulebase

SUFFIX_FORMATS = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html"}


"""The plan format an output file's suffix implies."""


def plan_format(fmt: str | None, output: Path | None) -> str:
    """The format to render: --format if given, else the one ``output``'s suffix implies, else Markdown.

    A --format that contradicts a known suffix (``-f json -o plan.html``) is refused, not written silently.
    """
    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if output is not None and fmt is not None and implied is not None and fmt != implied:
        kind = {"markdown": "a Markdown", "json": "a JSON", "html": "an HTML"}[implied]
        raise click.UsageError(f"--output {output} ends in {output.suffix!r} ({kind} file) but --format is {fmt}")
    return fmt or implied or "markdown"


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(list(RENDERERS)),
    help="Output format [default: from the --output suffix (.md, .json, .html), else markdown].",
)
@click.option(
    "--output",
    "-o",
    type=OutputPath(path_type=Path, dir_okay=False),
    help="Write the plan to this file (atomically) instead of standard output.",
)
@trace_option
@rules_option
def plan(case_file: Path, fmt: str | None, output: Path | None, trace: bool, rules_dir: Path | None) -> None:
    """Plan one case file (`-` for standard input) and print the plan.

    Examples: cec-advisor plan cases/riverside-adversarial.yaml --format json;
    cec-advisor plan cases/sig-school.yaml -o sig.html (HTML, from the suffix)
    """
    chosen = plan_format(fmt, output)
    advisor = Advisor(rules_dir)
    text = render(chosen, advisor.plan_file(case_file), trace=trace)
    if output is None:
        echo(text, nl=False)
    else:
        write_atomic(output, text)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=OutputPath(path_type=Path, file_okay=False),
    help="Folder for the plans and summary.csv (created if needed).",
)
@click.option(
    "--format",
    "-f",
    "formats",
    default="json,markdown",
    show_default=True,
    help="Comma-separated formats: json, markdown, html.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes; the output is identical for any number.",
)
@click.option(
    "--summary",
    "summary_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="Write summary.csv (for spreadsheets) or summary.json (for tools).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no closing line; errors only.")
@click.option(
    "--resume",
    is_flag=True,
    help="Skip cases whose outputs the last run into --out completed from the same case file, rules and formats.",
)
@trace_option
@rules_option
def batch(
    sources: tuple[Path, ...],
    out_dir: Path,
    formats: str,
    jobs: int,
    summary_format: str,
    quiet: bool,
    resume: bool,
    trace: bool,
    rules_dir: Path | None,
) -> None:
    """Plan every case file in SOURCES (folders or files) into --out, with a summary.csv.

    Bad cases are listed at the end with their errors and make the exit code 2;
    every good case still gets its plan. A plan file that cannot be written is
    an error for that case only. Interrupted (Ctrl-C), every plan file already
    in --out is complete; --resume goes on from there.

    Example: cec-advisor batch cases/ --out plans --format json,markdown,html --jobs 2
    """
    from cec_advisor.consult.batch import parse_formats, run_batch
    from cec_advisor.io.sources import collect_case_files

    chosen = parse_formats(formats)
    total = len(collect_case_files(sources))
    options: dict[str, Any] = {
        "jobs": jobs,
        "rules_dir": rules_dir,
        "trace": trace,
        "resume": resume,
        "summary_format": summary_format,
    }
    try:
        if not quiet and sys.stderr.isatty() and os.environ.get("TERM") != "dumb" and total > 1:
            with click.progressbar(length=total, label="Planning", file=sys.stderr) as bar:
                report = run_batch(sources, out_dir, chosen, progress=bar.update, **options)
        else:
            report = run_batch(sources, out_dir, chosen, **options)
    except KeyboardInterrupt:
        raise Interrupted(
            f"plan files already in {out_dir} are complete; the summary was not updated; "
            "run the same command with --resume to go on"
        ) from None
    reused = f" ({report.reused} unchanged since the last run)" if report.reused else ""
    if not quiet:
        echo(
            f"{report.planned} planned{reused}, {len(report.failed)} failed; "
            f"plans and summary.{summary_format} in {out_dir}"
        )
    if report.failed:
        echo(f"{len(report.failed)} case file(s) could not be planned:", err=True, role="fail")
        for _, error in report.failed:
            echo(f"  {error}", err=True)
    for error in report.output_errors:
        echo(printable(f"Error: {error}", one_line=True), err=True, role="fail")
    if not report.ok:
        sys.exit(UserError.exit_code)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@format_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the problems (and the closing count).")
@rules_option
def validate(sources: tuple[Path, ...], fmt: str, quiet: bool, rules_dir: Path | None) -> None:
    """Check case files (folders are searched for *.yaml / *.yml; `-` reads standard input)
    and report every problem in each, not only the first.

    Examples: cec-advisor validate cases/; cec-advisor validate -f json cases/ > report.json
    """
    from cec_advisor.io.sources import collect_case_files

    service_ids = load_rulebase(rules_dir).catalogue.ids
    files = [Path(name) for name in collect_case_files(sources)]
    if not files:
        raise UserError("no case files (*.yaml, *.yml) found")
    results = [(path, case_problems(path, service_ids)) for path in files]
    bad = sum(1 for _, problems in results if problems)
    if fmt == "json":
        emit_json(
            {
                "files": [
                    {"file": str(path), "ok": not problems, "problems": [_problem_json(p) for p in problems]}
                    for path, problems in results
                ],
                "invalid": bad,
            }
        )
    else:
        for path, problems in results:
            for problem in problems:
                echo(printable(str(problem), one_line=True), err=True, role="fail")
            if not problems and not quiet:
                echo(printable(f"{path}: ok", one_line=True), role="ok")
        if bad:
            echo(f"{bad} of {len(files)} file(s) invalid", err=True, role="fail")
    if bad:
        sys.exit(UserError.exit_code)


def _problem_json(problem: CaseFileError) -> dict[str, object]:
    return {"line": problem.line, "field": problem.field, "problem": problem.problem, "code": problem.code}


@main.command()
@click.option("--output", "-o", type=OutputPath(path_type=Path, dir_okay=False), help="Write the schema to a file.")
@rules_option
def schema(output: Path | None, rules_dir: Path | None) -> None:
    """Print the JSON Schema of the case format (for editors' YAML validation and completion).

    Example: cec-advisor schema -o case.schema.json
    """
    from cec_advisor.model.schema import case_json_schema

    text = json.dumps(case_json_schema(load_rulebase(rules_dir).catalogue.ids), indent=2) + "\n"
    if output is None:
        echo(text, nl=False)
    else:
        write_atomic(output, text)


@main.command()
@click.argument("service_id", required=False)
@format_option
@rules_option
def services(service_id: str | None, fmt: str, rules_dir: Path | None) -> None:
    """List the service catalogue, or show one service and the rules that can recommend it.

    Examples: cec-advisor services interest-based-bargaining; cec-advisor services -f json
    """
    from cec_advisor.render.catalogue import describe_service, list_services, services_json

    rulebase = load_rulebase(rules_dir)
    if fmt == "json":
        emit_json(services_json(rulebase, service_id))
        return
    echo(list_services(rulebase) if service_id is None else describe_service(rulebase, service_id), nl=False)


@main.command()
@click.option(
    "--out",
    "-o",
    type=OutputPath(path_type=Path, dir_okay=False),
    help="Write the case file here (atomically); otherwise print it.",
)
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Resume from a partial case file: its answers are not asked again.",
)
@rules_option
def interview(out: Path | None, from_file: Path | None, rules_dir: Path | None) -> None:
    """Build a case file by answering only the questions the rules need.

    At any prompt: `unknown` (or `?`) if you do not know, `why` to see which rule
    needs the fact, `quit` to stop (exit 0; the answers so far are saved with
    --out, or printed, and can be resumed with --from; Ctrl-C or the end of
    input saves them the same way and exits 130). An answer the case format refuses
    is explained and asked again. Every problem of a --from file is reported
    before anything is asked.

    Example: cec-advisor interview --out cases/new-district.yaml
    """
    from cec_advisor.consult.casefile import case_yaml, read_answers, user_comments
    from cec_advisor.consult.interview import Interview

    rulebase = load_rulebase(rules_dir)
    answers, problems = read_answers(from_file, rulebase) if from_file else ({}, [])
    for bad in problems:
        echo(printable(f"Error: {bad}", one_line=True), err=True)
    if problems:
        sys.exit(UserError.exit_code)
    comments = user_comments(from_file.read_text(encoding="utf-8")) if from_file and str(from_file) != "-" else {}
    session = Interview(rulebase, answers, comments)
    echo(
        "Answer each question: 'unknown' if you do not know, 'why' for the rule that needs it, 'quit' to stop.",
        err=True,
    )
    asked = 0
    while (question := session.next_question()) is not None:
        try:
            reply = click.prompt(
                f"\n{question.text}\n  [{question.path}] {question.options}",
                default="",
                show_default=False,
                prompt_suffix="\n> ",
                err=True,
            )
        except click.Abort:  # Ctrl-C or end of input: save as for quit, but report the interruption
            _save_partial(session, out, "Interview interrupted")
            sys.exit(Interrupted.exit_code)
        command = reply.strip().lower()
        if command == "why":
            echo(f"  {question.why()}", err=True)
            continue
        if command == "quit":
            _save_partial(session, out, "Interview stopped")
            return  # stopping on purpose is not a failure: the answers are saved for --from
        problem = session.answer(question, reply)
        if problem:
            echo(f"  Not taken: {problem}.", err=True)
        else:
            asked += 1
    try:
        case_from_data(session.case_data(), Locator("interview"), rulebase.catalogue.ids)
    except UserError:
        _save_partial(session, out, "The case is not complete")
        raise
    text = case_yaml(session.case_data(), complete=True, comments=session.comments)
    if out is None:
        echo(text, nl=False)
    else:
        write_atomic(out, text)
        echo(f"{asked} question(s) answered; case file written to {out}", err=True)


def _save_partial(session: Any, out: Path | None, why: str) -> None:
    """Keep the answers so far as a resumable partial case file: written to ``out``, or printed on stdout."""
    from cec_advisor.consult.casefile import case_yaml

    if not session.answers:
        echo(f"{why}; nothing answered, nothing saved.", err=True)
        return
    text = case_yaml(session.case_data(), complete=False, comments=session.comments)
    if out is None:
        echo(text, nl=False)
        echo(f"{why}; the answers so far are printed above: save them and resume with --from.", err=True)
        return
    write_atomic(out, text)
    echo(f"{why}; answers saved to {out}. Resume with: cec-advisor interview --from {out}", err=True)
