"""The ``cec-advisor`` command line: parses options, calls the core library, renders.

Exit codes: 0 success; 2 bad input (case, rule or catalogue file, or usage),
or a batch / validation in which some case was bad; 3 the rule engine failed
or the rules contradicted each other; 1 an internal error (a bug: reported in
one line; set ``CEC_ADVISOR_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from cec_advisor import __version__
from cec_advisor.advisor import Advisor
from cec_advisor.batch import collect_case_files, parse_formats, run_batch
from cec_advisor.case import case_from_data, case_problems
from cec_advisor.catalogue_view import describe_service, list_services
from cec_advisor.errors import CecError, UserError
from cec_advisor.fileio import write_atomic
from cec_advisor.interview import Interview, answers_from_file, case_yaml
from cec_advisor.render import RENDERERS
from cec_advisor.rulebase import load_rulebase
from cec_advisor.schema import case_json_schema
from cec_advisor.yamlsource import Locator

F = TypeVar("F", bound=Callable[..., Any])

rules_option = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Rules directory (default: the rule base shipped with the advisor).",
)


def reports_errors(command: F) -> F:
    """Print the advisor's errors as one ``Error:`` line and exit with their code; never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CecError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("CEC_ADVISOR_DEBUG"):
                raise
            click.echo(
                f"Error: internal error: {type(exc).__name__}: {exc} (set CEC_ADVISOR_DEBUG=1 for details)", err=True
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cec-advisor")
def main() -> None:
    """CEC Advisor: turn a district or school case file into a justified, ordered services plan."""


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(list(RENDERERS)),
    default="markdown",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the plan to this file (atomically) instead of standard output.",
)
@rules_option
@reports_errors
def plan(case_file: Path, fmt: str, output: Path | None, rules_dir: Path | None) -> None:
    """Plan one case file and print the plan.

    Example: cec-advisor plan cases/riverside-adversarial.yaml --format json
    """
    advisor = Advisor(rules_dir)
    text = RENDERERS[fmt](advisor.plan_file(case_file))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
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
@rules_option
@reports_errors
def batch(sources: tuple[Path, ...], out_dir: Path, formats: str, jobs: int, rules_dir: Path | None) -> None:
    """Plan every case file in SOURCES (folders or files) into --out, with a summary.csv.

    Bad cases are listed at the end with their errors and make the exit code 2;
    every good case still gets its plan.

    Example: cec-advisor batch cases/ --out plans --format json,markdown,html --jobs 2
    """
    chosen = parse_formats(formats)
    total = len(collect_case_files(sources))
    if sys.stderr.isatty() and total > 1:
        with click.progressbar(length=total, label="Planning", file=sys.stderr) as bar:
            report = run_batch(sources, out_dir, chosen, jobs=jobs, rules_dir=rules_dir, progress=bar.update)
    else:
        report = run_batch(sources, out_dir, chosen, jobs=jobs, rules_dir=rules_dir)
    click.echo(f"{report.planned} planned, {len(report.failed)} failed; plans and summary.csv in {out_dir}")
    if report.failed:
        click.echo(f"{len(report.failed)} case file(s) could not be planned:", err=True)
        for _, error in report.failed:
            click.echo(f"  {error}", err=True)
        sys.exit(UserError.exit_code)


@main.command()
@click.argument("case_files", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@reports_errors
def validate(case_files: tuple[Path, ...], rules_dir: Path | None) -> None:
    """Check case files and report every problem in each (not only the first).

    Example: cec-advisor validate cases/*.yaml
    """
    service_ids = load_rulebase(rules_dir).catalogue.ids
    bad = 0
    for path in case_files:
        problems = case_problems(path, service_ids)
        if problems:
            bad += 1
            for problem in problems:
                click.echo(f"{problem}", err=True)
        else:
            click.echo(f"{path}: ok")
    if bad:
        click.echo(f"{bad} of {len(case_files)} file(s) invalid", err=True)
        sys.exit(UserError.exit_code)


@main.command()
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the schema to a file.")
@rules_option
@reports_errors
def schema(output: Path | None, rules_dir: Path | None) -> None:
    """Print the JSON Schema of the case format (for editors' YAML validation and completion).

    Example: cec-advisor schema -o case.schema.json
    """
    text = json.dumps(case_json_schema(load_rulebase(rules_dir).catalogue.ids), indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)


@main.command()
@click.argument("service_id", required=False)
@rules_option
@reports_errors
def services(service_id: str | None, rules_dir: Path | None) -> None:
    """List the service catalogue, or show one service and the rules that can recommend it.

    Example: cec-advisor services interest-based-bargaining
    """
    rulebase = load_rulebase(rules_dir)
    click.echo(list_services(rulebase) if service_id is None else describe_service(rulebase, service_id), nl=False)


@main.command()
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the case file here (atomically); otherwise print it.",
)
@click.option(
    "--from",
    "from_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Resume from a partial case file: its answers are not asked again.",
)
@rules_option
@reports_errors
def interview(out: Path | None, from_file: Path | None, rules_dir: Path | None) -> None:
    """Build a case file by answering only the questions the rules need.

    At any prompt: `unknown` (or `?`) if you do not know, `why` to see which rule
    needs the fact, `quit` to stop (with --out, the answers so far are saved and
    can be resumed with --from).

    Example: cec-advisor interview --out cases/new-district.yaml
    """
    rulebase = load_rulebase(rules_dir)
    session = Interview(rulebase, answers_from_file(from_file, rulebase) if from_file else None)
    click.echo(
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
        except click.Abort:
            reply = "quit"
        command = reply.strip().lower()
        if command == "why":
            click.echo(f"  {question.why()}", err=True)
            continue
        if command == "quit":
            _save_partial(session, out)
            sys.exit(1)
        problem = session.answer(question, reply)
        if problem:
            click.echo(f"  Not taken: {problem}.", err=True)
        else:
            asked += 1
    text = case_yaml(session.case_data(), complete=True)
    case_from_data(session.case_data(), Locator("interview"), rulebase.catalogue.ids)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)
        click.echo(f"{asked} question(s) answered; case file written to {out}", err=True)


def _save_partial(session: Interview, out: Path | None) -> None:
    if out is None or not all(key in session.answers for key in ("id", "name", "level")):
        click.echo("Interview stopped; nothing saved (give --out and answer id, name and level to save).", err=True)
        return
    write_atomic(out, case_yaml(session.case_data(), complete=False))
    click.echo(f"Interview stopped; answers saved to {out}. Resume with: cec-advisor interview --from {out}", err=True)
