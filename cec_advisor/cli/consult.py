"""Consultants' commands: plan, batch, validate, schema, services and interview.

Each command parses its options, calls the library and hands the result to a
formatter (:mod:`cec_advisor.consult.formatters`) or a renderer; errors are
turned into one line and an exit code by the command group, once. Modules only
some commands need are imported inside those commands, so ``plan`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from cec_advisor.errors import Interrupted, UserError
from cec_advisor.io.fileio import write_atomic
from cec_advisor.render import RENDERERS, render
from cec_advisor.rulebase.load import load_rulebase

if TYPE_CHECKING:  # types only: each command imports the modules it needs when it runs
    from cec_advisor.consult.batch import BatchReport
    from cec_advisor.consult.formatters import Line
    from cec_advisor.consult.interview import Interview

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


@main.command(name="plan")
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
def plan_command(case_file: Path, fmt: str | None, output: Path | None, trace: bool, rules_dir: Path | None) -> None:
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


@main.command(name="batch")
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
def batch_command(
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
    from cec_advisor.consult.batch import parse_formats
    from cec_advisor.consult.formatters import batch_interrupted, batch_lines

    chosen = parse_formats(formats)
    try:
        report = _run_batch(
            sources,
            out_dir,
            chosen,
            show_bar=not quiet,
            jobs=jobs,
            rules_dir=rules_dir,
            trace=trace,
            resume=resume,
            summary_format=summary_format,
        )
    except KeyboardInterrupt:
        raise Interrupted(batch_interrupted(out_dir)) from None
    _show(batch_lines(report, out_dir, summary_format, quiet=quiet))
    if not report.ok:
        sys.exit(UserError.exit_code)


def _run_batch(
    sources: tuple[Path, ...], out_dir: Path, formats: tuple[str, ...], *, show_bar: bool, **options: Any
) -> BatchReport:
    """Run the batch; with ``show_bar``, a progress bar on standard error if that is a terminal and cases are many.

    The case files are counted for the bar only when a bar can be drawn.
    """
    from cec_advisor.cli.progress import on_terminal
    from cec_advisor.consult.batch import run_batch
    from cec_advisor.io.sources import collect_case_files

    total = len(collect_case_files(sources)) if show_bar and on_terminal() else 0
    if total > 1:
        with click.progressbar(length=total, label="Planning", file=sys.stderr) as bar:
            return run_batch(sources, out_dir, formats, progress=bar.update, **options)
    return run_batch(sources, out_dir, formats, **options)


def _show(lines: list[Line]) -> None:
    """Print a formatter's lines in order, each to its stream with its colour role."""
    for line in lines:
        echo(line.text, err=line.err, role=line.role)


@main.command(name="validate")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@format_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the problems (and the closing count).")
@rules_option
def validate_command(sources: tuple[Path, ...], fmt: str, quiet: bool, rules_dir: Path | None) -> None:
    """Check case files (folders are searched for *.yaml / *.yml; `-` reads standard input)
    and report every problem in each, not only the first.

    Examples: cec-advisor validate cases/; cec-advisor validate -f json cases/ > report.json
    """
    from cec_advisor.consult.formatters import validation_lines
    from cec_advisor.consult.validate import validate_files

    report = validate_files(sources, load_rulebase(rules_dir).catalogue.ids)
    if fmt == "json":
        emit_json(report.as_dict())
    else:
        _show(validation_lines(report, quiet=quiet))
    if report.invalid:
        sys.exit(UserError.exit_code)


@main.command(name="schema")
@click.option("--output", "-o", type=OutputPath(path_type=Path, dir_okay=False), help="Write the schema to a file.")
@rules_option
def schema_command(output: Path | None, rules_dir: Path | None) -> None:
    """Print the JSON Schema of the case format (for editors' YAML validation and completion).

    Example: cec-advisor schema -o case.schema.json
    """
    from cec_advisor.model.schema import case_json_schema

    text = json.dumps(case_json_schema(load_rulebase(rules_dir).catalogue.ids), indent=2) + "\n"
    if output is None:
        echo(text, nl=False)
    else:
        write_atomic(output, text)


@main.command(name="services")
@click.argument("service_id", required=False)
@format_option
@rules_option
def services_command(service_id: str | None, fmt: str, rules_dir: Path | None) -> None:
    """List the service catalogue, or show one service and the rules that can recommend it.

    Examples: cec-advisor services interest-based-bargaining; cec-advisor services -f json
    """
    from cec_advisor.consult.formatters import services_text
    from cec_advisor.render.catalogue import services_json

    rulebase = load_rulebase(rules_dir)
    if fmt == "json":
        emit_json(services_json(rulebase, service_id))
        return
    echo(services_text(rulebase, service_id), nl=False)


@main.command(name="interview")
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
def interview_command(out: Path | None, from_file: Path | None, rules_dir: Path | None) -> None:
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
    from cec_advisor.consult.formatters import INTERVIEW_START, error_lines, interview_done
    from cec_advisor.consult.interview import Interview

    rulebase = load_rulebase(rules_dir)
    answers, problems = read_answers(from_file, rulebase) if from_file else ({}, [])
    _show(error_lines(problems))
    if problems:
        sys.exit(UserError.exit_code)
    comments = user_comments(from_file.read_text(encoding="utf-8")) if from_file and str(from_file) != "-" else {}
    session = Interview(rulebase, answers, comments)
    echo(INTERVIEW_START, err=True)
    asked = _ask(session, out)
    if asked is None:
        return  # stopping on purpose is not a failure: the answers are saved for --from
    try:
        session.case()
    except UserError:
        _save_partial(session, out, "The case is not complete")
        raise
    text = case_yaml(session.case_data(), complete=True, comments=session.comments)
    if out is None:
        echo(text, nl=False)
    else:
        write_atomic(out, text)
        echo(interview_done(asked, out), err=True)


def _ask(session: Interview, out: Path | None) -> int | None:
    """Ask until nothing more can change the plan: the number of answers taken, or None after ``quit``.

    ``why`` explains the question; a refused answer says why and is asked
    again. Ctrl-C or the end of input saves the answers as ``quit`` does and
    exits 130.
    """
    from cec_advisor.consult.formatters import answer_refused, question_prompt, question_why

    asked = 0
    while (question := session.next_question()) is not None:
        try:
            reply = click.prompt(
                question_prompt(question), default="", show_default=False, prompt_suffix="\n> ", err=True
            )
        except click.Abort:  # Ctrl-C or end of input: save as for quit, but report the interruption
            _save_partial(session, out, "Interview interrupted")
            sys.exit(Interrupted.exit_code)
        command = reply.strip().lower()
        if command == "why":
            echo(question_why(question), err=True)
        elif command == "quit":
            _save_partial(session, out, "Interview stopped")
            return None
        elif problem := session.answer(question, reply):
            echo(answer_refused(problem), err=True)
        else:
            asked += 1
    return asked


def _save_partial(session: Interview, out: Path | None, why: str) -> None:
    """Keep the answers so far as a resumable partial case file: written to ``out``, or printed on stdout."""
    from cec_advisor.consult.casefile import case_yaml
    from cec_advisor.consult.formatters import interview_saved

    if session.answers:
        text = case_yaml(session.case_data(), complete=False, comments=session.comments)
        if out is None:
            echo(text, nl=False)
        else:
            write_atomic(out, text)
    echo(interview_saved(why, out, anything=bool(session.answers)), err=True)
