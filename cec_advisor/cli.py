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
from cec_advisor.diagram import build_diagram, to_dot, to_mermaid
from cec_advisor.errors import CecError, UserError
from cec_advisor.explain import firing_data, parse_setting, walk, what_if, why, why_not
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
        except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
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


format_option = click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Text for people, JSON for tools.",
)


def _emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--step", "pause", is_flag=True, help="Pause after each Pathway step (Enter to go on) on a terminal.")
@format_option
@rules_option
@reports_errors
def explain(case_file: Path, pause: bool, fmt: str, rules_dir: Path | None) -> None:
    """Walk the Pathway step by step: each decision, the facts behind it, the rule and its source.

    Example: cec-advisor explain cases/board-refuses.yaml --step
    """
    advisor = Advisor(rules_dir)
    plan = advisor.plan_file(case_file)
    steps = walk(plan)
    if fmt == "json":
        _emit_json(
            {
                "case": {"id": plan.case_id, "name": plan.case_name},
                "steps": [
                    {"step": s.step, "title": s.title, "firings": [firing_data(f, advisor.rulebase) for f in s.firings]}
                    for s in steps
                ],
            }
        )
        return
    click.echo(f"How the Pathway decided for {plan.case_name} ({plan.case_id})")
    for walked in steps:
        click.echo(f"\nStep {walked.step}: {walked.title}")
        if not walked.firings:
            click.echo("  (no rule of this step applied)")
        for index, firing in enumerate(walked.firings, 1):
            data = firing_data(firing, advisor.rulebase)
            click.echo(f"  {index}. {data['rule']}: {data['title']} ({data['source']})")
            facts = ", ".join(f"{k} = {_word(v)}" for k, v in firing.facts.items()) or "none"
            click.echo(f"     facts: {facts}")
            click.echo(f"     concluded: {data['concluded']}")
            click.echo(f"     because: {data['because']}")
        if pause and walked.step < 5:
            click.pause(f"\n-- Enter for Step {walked.step + 1} --")


@main.command(name="why")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("service_id")
@format_option
@rules_option
@reports_errors
def why_command(case_file: Path, service_id: str, fmt: str, rules_dir: Path | None) -> None:
    """Show the proof tree behind a service in the plan, down to the case facts.

    Example: cec-advisor why cases/riverside-adversarial.yaml instructional-model
    """
    advisor = Advisor(rules_dir)
    tree = why(advisor.plan_file(case_file), advisor.rulebase, service_id)
    if fmt == "json":
        _emit_json(tree.as_dict())
    else:
        click.echo("\n".join(tree.lines()))


@main.command(name="why-not")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("service_id")
@click.option(
    "--budget",
    type=click.IntRange(1, 100_000),
    default=3000,
    show_default=True,
    help="Most re-plans to try when searching for the smallest change.",
)
@format_option
@rules_option
@reports_errors
def why_not_command(case_file: Path, service_id: str, budget: int, fmt: str, rules_dir: Path | None) -> None:
    """Explain why a service is not in the plan (or deferred), and find the smallest change that brings it in.

    Example: cec-advisor why-not cases/sustained-high-performer.yaml standards-based-curriculum
    """
    advisor = Advisor(rules_dir)
    answer = why_not(advisor, advisor.load(case_file), service_id, budget=budget)
    if fmt == "json":
        _emit_json(answer.as_dict())
        return
    if answer.status == "in_plan":
        click.echo(f"{service_id} is in the plan; ask `cec-advisor why {case_file} {service_id}`.")
        return
    click.echo(f"{service_id} is {'deferred' if answer.status == 'deferred' else 'not in the plan'}.")
    click.echo("What stands in the way (the first condition that failed, per rule):")
    for blocker in answer.blockers:
        click.echo(f"  - {blocker.rule} ({blocker.title}): needs {blocker.needed}; here {blocker.actual}")
    if answer.change:
        settings = " ".join(f"--set '{c.setting()}'" for c in answer.change)
        click.echo(f"Smallest change found ({answer.tried} re-plans tried, each through the engine):")
        for change in answer.change:
            click.echo(f"  {change.fact} = {_word(change.shown)}")
        click.echo(f"Compare the plans: cec-advisor what-if {case_file} {settings}")
    else:
        click.echo(f"No change of up to 3 facts brings it in ({answer.tried} re-plans tried).")


@main.command(name="what-if")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--set",
    "settings",
    multiple=True,
    required=True,
    metavar="PATH=VALUE",
    help="A case fact to change, e.g. culture.trust=high (repeatable; null removes).",
)
@format_option
@rules_option
@reports_errors
def what_if_command(case_file: Path, settings: tuple[str, ...], fmt: str, rules_dir: Path | None) -> None:
    """Plan the case as it is and with some facts changed, and show what differs and why.

    Example: cec-advisor what-if cases/riverside-adversarial.yaml --set culture.trust=high
    """
    advisor = Advisor(rules_dir)
    diff, _, _ = what_if(advisor, advisor.load(case_file), [parse_setting(text) for text in settings])
    if fmt == "json":
        _emit_json(diff.as_dict())
        return
    click.echo("Changed facts: " + ", ".join(f"{c.fact} = {_word(c.shown)}" for c in diff.changes))
    if not diff.decisions and not diff.services:
        click.echo("Nothing in the plan changes.")
    for d in diff.decisions:
        click.echo(
            f"  {d.decision}: {_word(d.before)} -> {_word(d.after)}"
            f"  (was {', '.join(d.rules_before) or 'no rule'}; now {', '.join(d.rules_after) or 'no rule'})"
        )
    marks = {"added": "+", "removed": "-"}
    for s in diff.services:
        where = f"{s.before} -> {s.after}" if s.before and s.after else (s.after or s.before)
        click.echo(f"  {marks.get(s.change, '~')} {s.service} {s.change} ({where})  rules: {', '.join(s.rules)}")
    if diff.rules_started or diff.rules_stopped:
        click.echo(f"Rules that now fire: {', '.join(diff.rules_started) or 'none'}")
        click.echo(f"Rules that no longer fire: {', '.join(diff.rules_stopped) or 'none'}")


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dot", is_flag=True, help="Graphviz DOT instead of Mermaid.")
@rules_option
@reports_errors
def diagram(case_file: Path, dot: bool, rules_dir: Path | None) -> None:
    """Draw the path the case took through the Pathway (Mermaid, or DOT with --dot); untaken branches greyed.

    Example: cec-advisor diagram cases/pera-slo-request.yaml --dot | dot -Tsvg > path.svg
    """
    model = build_diagram(Advisor(rules_dir).plan_file(case_file))
    click.echo(to_dot(model) if dot else to_mermaid(model), nl=False)


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "none" if value is None else str(value)
