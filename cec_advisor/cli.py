"""The ``cec-advisor`` command line: parses options, calls the core library, renders.

Modules only some commands need (Hypothesis for ``generate`` and ``gaps``, the
analysis tools) are imported inside those commands, so ``plan`` starts fast.

Exit codes, one scheme for every command (see :data:`EXIT_CODES`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import yaml

from cec_advisor import __version__
from cec_advisor import colour as colour
from cec_advisor.advisor import Advisor
from cec_advisor.case import case_from_data, case_problems
from cec_advisor.diagram import build_diagram, to_dot, to_mermaid
from cec_advisor.errors import CaseFileError, CecError, EngineError, Interrupted, UserError
from cec_advisor.fileio import write_atomic
from cec_advisor.limits import memory_limit_note
from cec_advisor.render import RENDERERS, render
from cec_advisor.rulebase import load_rulebase
from cec_advisor.safetext import printable
from cec_advisor.yamlsource import Locator

F = TypeVar("F", bound=Callable[..., Any])


def _echo(message: Any = None, *, role: str | None = None, **kwargs: Any) -> None:
    """``click.echo`` for everything this CLI prints: case, rule and file-name data can hold control characters.

    ``role`` (ok, fail, warn, heading) colours the line when colour is on for
    that stream (see :mod:`cec_advisor.colour`); the escaping comes first, so
    only the tool's own colours reach the terminal.
    """
    text = printable(message) if isinstance(message, str) else message
    stream = sys.stderr if kwargs.get("err") else sys.stdout
    if role is not None and isinstance(text, str) and colour.enabled(stream):
        click.echo(colour.paint(text, role), color=True, **kwargs)
    else:
        click.echo(text, **kwargs)


class OutputPath(click.Path):
    """A path to write to: an empty string is refused (it would mean the current folder, or fail obscurely)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("an output path must not be empty", param, ctx)
        return super().convert(value, param, ctx)


rules_option = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Rules directory (default: the rule base shipped with the advisor).",
)
format_option = click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Text for people, JSON for tools.",
)
trace_option = click.option(
    "--trace",
    is_flag=True,
    help="Add an appendix with every rule firing to a Markdown or HTML plan (the JSON plan always has it).",
)


FOUND_PROBLEMS = 1
INTERNAL_ERROR = 4
NOTHING_SELECTED = 5
"""The exit code of ``cec-advisor test`` when ``-k`` selects no case: pytest's for "no tests collected"."""
BROKEN_PIPE = 141
EXIT_CODES = {
    0: "success (a question answered counts, whatever the answer)",
    FOUND_PROBLEMS: "the check ran and found problems: lint findings, failing rule cases, "
    "coverage under --fail-under, gaps",
    UserError.exit_code: "bad input or usage: an unreadable or invalid case or rule file, a bad option, "
    "an output that cannot be written; a batch or validate in which some case was bad",
    EngineError.exit_code: "the rule engine failed, or the rules contradicted each other on a case",
    INTERNAL_ERROR: "internal error (a bug; set CEC_ADVISOR_DEBUG=1 for the traceback) or out of memory",
    NOTHING_SELECTED: "nothing selected (test -k matching no rule case), as pytest",
    Interrupted.exit_code: "interrupted (Ctrl-C)",
    BROKEN_PIPE: "the reader of the output went away (e.g. | head), as a shell reports SIGPIPE",
}
"""Every exit code of ``cec-advisor`` and what it means (printed by ``--help``, listed in the README)."""


def reports_errors(command: F) -> F:
    """Print the advisor's errors as one ``Error:`` line and exit with their code; never a traceback.

    A command's ``rules_dir`` left unset comes from ``[tool.cec-advisor] rules`` in the nearest pyproject.toml.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            if "rules_dir" in kwargs and kwargs["rules_dir"] is None:
                from cec_advisor.config import load_config

                kwargs["rules_dir"] = load_config().rules  # [tool.cec-advisor] rules, when --rules is not given
            return command(*args, **kwargs)
        except CecError as exc:
            _echo(printable(f"Error: {exc}", one_line=True), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _echo("Interrupted.", err=True)
            sys.exit(Interrupted.exit_code)
        except MemoryError:
            _echo(f"Error: out of memory{memory_limit_note()}", err=True)
            sys.exit(INTERNAL_ERROR)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(BROKEN_PIPE)
        except Exception as exc:
            if os.environ.get("CEC_ADVISOR_DEBUG"):
                raise
            _echo(f"Error: internal error: {type(exc).__name__}: {exc} (set CEC_ADVISOR_DEBUG=1 for details)", err=True)
            sys.exit(INTERNAL_ERROR)

    return wrapper  # type: ignore[return-value]


SEED_MAX = 2**32 - 1
"""Seeds run 0..2**32-1: generated ids (gen-<seed>-<n>) stay within the 64 characters a case id allows."""


def _set_colour(ctx: click.Context, param: click.Parameter, value: str) -> None:
    colour.set_mode(value)  # type: ignore[arg-type]  # click.Choice has checked it


class OneLineErrors(click.Group):
    """The command group, whose usage errors are one ``Error:`` line (click prints three) with a pointer to --help."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; in standalone mode every error ends in one line and its exit code."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `cec-advisor`: the help, as click shows it
            _echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = f" (see: {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
            _echo(printable(f"Error: {exc.format_message()}{where}", one_line=True), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _echo(printable(f"Error: {exc.format_message()}", one_line=True), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            _echo("Interrupted.", err=True)
            sys.exit(Interrupted.exit_code)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(
    cls=OneLineErrors,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="\b\nExit codes:\n" + "\n".join(f"  {code:>3}  {meaning}" for code, meaning in EXIT_CODES.items()),
)
@click.version_option(__version__, prog_name="cec-advisor")
@click.option(
    "--color",
    type=click.Choice(colour.MODES),
    default="auto",
    show_default=True,
    expose_value=False,
    is_eager=True,
    callback=_set_colour,
    help="Colour pass/FAIL and findings: auto = on a terminal unless NO_COLOR is set or TERM=dumb.",
)
def main() -> None:
    """CEC Advisor: turn a district or school case file into a justified, ordered services plan."""


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
@reports_errors
def plan(case_file: Path, fmt: str | None, output: Path | None, trace: bool, rules_dir: Path | None) -> None:
    """Plan one case file (`-` for standard input) and print the plan.

    Examples: cec-advisor plan cases/riverside-adversarial.yaml --format json;
    cec-advisor plan cases/sig-school.yaml -o sig.html (HTML, from the suffix)
    """
    chosen = plan_format(fmt, output)
    advisor = Advisor(rules_dir)
    text = render(chosen, advisor.plan_file(case_file), trace=trace)
    if output is None:
        _echo(text, nl=False)
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
@reports_errors
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
    from cec_advisor.batch import parse_formats, run_batch
    from cec_advisor.sources import collect_case_files

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
        _echo(
            f"{report.planned} planned{reused}, {len(report.failed)} failed; "
            f"plans and summary.{summary_format} in {out_dir}"
        )
    if report.failed:
        _echo(f"{len(report.failed)} case file(s) could not be planned:", err=True, role="fail")
        for _, error in report.failed:
            _echo(f"  {error}", err=True)
    for error in report.output_errors:
        _echo(printable(f"Error: {error}", one_line=True), err=True, role="fail")
    if not report.ok:
        sys.exit(UserError.exit_code)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@format_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the problems (and the closing count).")
@rules_option
@reports_errors
def validate(sources: tuple[Path, ...], fmt: str, quiet: bool, rules_dir: Path | None) -> None:
    """Check case files (folders are searched for *.yaml / *.yml; `-` reads standard input)
    and report every problem in each, not only the first.

    Examples: cec-advisor validate cases/; cec-advisor validate -f json cases/ > report.json
    """
    from cec_advisor.sources import collect_case_files

    service_ids = load_rulebase(rules_dir).catalogue.ids
    files = [Path(name) for name in collect_case_files(sources)]
    if not files:
        raise UserError("no case files (*.yaml, *.yml) found")
    results = [(path, case_problems(path, service_ids)) for path in files]
    bad = sum(1 for _, problems in results if problems)
    if fmt == "json":
        _emit_json(
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
                _echo(printable(str(problem), one_line=True), err=True, role="fail")
            if not problems and not quiet:
                _echo(printable(f"{path}: ok", one_line=True), role="ok")
        if bad:
            _echo(f"{bad} of {len(files)} file(s) invalid", err=True, role="fail")
    if bad:
        sys.exit(UserError.exit_code)


def _problem_json(problem: CaseFileError) -> dict[str, object]:
    return {"line": problem.line, "field": problem.field, "problem": problem.problem, "code": problem.code}


@main.command()
@click.option("--output", "-o", type=OutputPath(path_type=Path, dir_okay=False), help="Write the schema to a file.")
@rules_option
@reports_errors
def schema(output: Path | None, rules_dir: Path | None) -> None:
    """Print the JSON Schema of the case format (for editors' YAML validation and completion).

    Example: cec-advisor schema -o case.schema.json
    """
    from cec_advisor.schema import case_json_schema

    text = json.dumps(case_json_schema(load_rulebase(rules_dir).catalogue.ids), indent=2) + "\n"
    if output is None:
        _echo(text, nl=False)
    else:
        write_atomic(output, text)


@main.command()
@click.argument("service_id", required=False)
@format_option
@rules_option
@reports_errors
def services(service_id: str | None, fmt: str, rules_dir: Path | None) -> None:
    """List the service catalogue, or show one service and the rules that can recommend it.

    Examples: cec-advisor services interest-based-bargaining; cec-advisor services -f json
    """
    from cec_advisor.catalogue_view import describe_service, list_services, services_json

    rulebase = load_rulebase(rules_dir)
    if fmt == "json":
        _emit_json(services_json(rulebase, service_id))
        return
    _echo(list_services(rulebase) if service_id is None else describe_service(rulebase, service_id), nl=False)


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
@reports_errors
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
    from cec_advisor.interview import Interview, case_yaml, read_answers, user_comments

    rulebase = load_rulebase(rules_dir)
    answers, problems = read_answers(from_file, rulebase) if from_file else ({}, [])
    for bad in problems:
        _echo(printable(f"Error: {bad}", one_line=True), err=True)
    if problems:
        sys.exit(UserError.exit_code)
    comments = user_comments(from_file.read_text(encoding="utf-8")) if from_file and str(from_file) != "-" else {}
    session = Interview(rulebase, answers, comments)
    _echo(
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
            _echo(f"  {question.why()}", err=True)
            continue
        if command == "quit":
            _save_partial(session, out, "Interview stopped")
            return  # stopping on purpose is not a failure: the answers are saved for --from
        problem = session.answer(question, reply)
        if problem:
            _echo(f"  Not taken: {problem}.", err=True)
        else:
            asked += 1
    try:
        case_from_data(session.case_data(), Locator("interview"), rulebase.catalogue.ids)
    except UserError:
        _save_partial(session, out, "The case is not complete")
        raise
    text = case_yaml(session.case_data(), complete=True, comments=session.comments)
    if out is None:
        _echo(text, nl=False)
    else:
        write_atomic(out, text)
        _echo(f"{asked} question(s) answered; case file written to {out}", err=True)


def _save_partial(session: Any, out: Path | None, why: str) -> None:
    """Keep the answers so far as a resumable partial case file: written to ``out``, or printed on stdout."""
    from cec_advisor.interview import case_yaml

    if not session.answers:
        _echo(f"{why}; nothing answered, nothing saved.", err=True)
        return
    text = case_yaml(session.case_data(), complete=False, comments=session.comments)
    if out is None:
        _echo(text, nl=False)
        _echo(f"{why}; the answers so far are printed above: save them and resume with --from.", err=True)
        return
    write_atomic(out, text)
    _echo(f"{why}; answers saved to {out}. Resume with: cec-advisor interview --from {out}", err=True)


def _emit_json(data: object) -> None:
    _echo(json.dumps(data, indent=2, ensure_ascii=False))


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
    from cec_advisor.explain import firing_data, walk

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
    _echo(f"How the Pathway decided for {plan.case_name} ({plan.case_id})")
    for walked in steps:
        _echo(f"\nStep {walked.step}: {walked.title}")
        if not walked.firings:
            _echo("  (no rule of this step applied)")
        for index, firing in enumerate(walked.firings, 1):
            data = firing_data(firing, advisor.rulebase)
            _echo(f"  {index}. {data['rule']}: {data['title']} ({data['source']})")
            facts = ", ".join(f"{k} = {_word(v)}" for k, v in firing.facts.items()) or "none"
            _echo(f"     facts: {facts}")
            _echo(f"     concluded: {data['concluded']}")
            _echo(f"     because: {data['because']}")
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

    Exits 0 with an answer whether or not the service is in the plan; 2 for a
    service the catalogue does not hold or a bad case file.

    Example: cec-advisor why cases/riverside-adversarial.yaml instructional-model
    """
    from cec_advisor.explain import why
    from cec_advisor.explain_text import why_lines

    advisor = Advisor(rules_dir)
    case = advisor.load(case_file)
    answer = why(advisor.plan(case), advisor.rulebase, service_id, case)
    if fmt == "json":
        _emit_json(answer.as_dict())
    else:
        _echo("\n".join(why_lines(answer, str(case_file))))


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

    Exits 0 with an answer whether or not the service is in the plan; 2 for a
    service the catalogue does not hold or a bad case file.

    Example: cec-advisor why-not cases/sustained-high-performer.yaml standards-based-curriculum
    """
    from cec_advisor.explain import why_not
    from cec_advisor.explain_text import why_not_lines

    advisor = Advisor(rules_dir)
    answer = why_not(advisor, advisor.load(case_file), service_id, budget=budget)
    if fmt == "json":
        _emit_json(answer.as_dict())
    else:
        _echo("\n".join(why_not_lines(answer, str(case_file))))


@main.command(name="what-if")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--set",
    "settings",
    multiple=True,
    required=True,
    metavar="PATH=VALUE",
    help="A case fact to change, e.g. culture.trust=high (repeatable; null removes it: unknown).",
)
@format_option
@rules_option
@reports_errors
def what_if_command(case_file: Path, settings: tuple[str, ...], fmt: str, rules_dir: Path | None) -> None:
    """Plan the case as it is and with some facts changed, and show what differs and why.

    Shows the decisions, services, warnings and open questions that differ, each
    with the rules behind it. VALUE is read as in a case file (true/false, not
    yes/no); null removes the fact, which makes it unknown.

    Example: cec-advisor what-if cases/riverside-adversarial.yaml --set culture.trust=high
    """
    from cec_advisor.explain import parse_setting, what_if
    from cec_advisor.explain_text import what_if_lines

    advisor = Advisor(rules_dir)
    diff, _, _ = what_if(advisor, advisor.load(case_file), [parse_setting(text) for text in settings])
    if fmt == "json":
        _emit_json(diff.as_dict())
    else:
        _echo("\n".join(what_if_lines(diff)))


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
    _echo(to_dot(model) if dot else to_mermaid(model), nl=False)


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "none" if value is None else str(value)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    help="Exit 1 when rule coverage is below this percentage (default: fail-under in [tool.cec-advisor.coverage]).",
)
@click.option(
    "--conditions", "show_conditions", is_flag=True, help="List every condition not yet seen both true and false."
)
@rules_option
@reports_errors
def coverage(
    sources: tuple[Path, ...], fmt: str, fail_under: float | None, show_conditions: bool, rules_dir: Path | None
) -> None:
    """Measure how well case files exercise the rule base: rules, conditions, outcomes, services.

    Reads [tool.cec-advisor] in the nearest pyproject.toml: `rules` and
    `coverage.fail-under` (options given here win).

    Exit codes: 0 success; 1 rule coverage under --fail-under; 2 bad input or
    usage, or a case file that could not be planned (the others are counted);
    3 the rule engine failed; 130 interrupted.

    Example: cec-advisor coverage cases/ --fail-under 100
    """
    from cec_advisor.config import load_config
    from cec_advisor.coverage import coverage_html, coverage_text, measure

    config = load_config()
    threshold = fail_under if fail_under is not None else config.coverage_fail_under
    report = measure(Advisor(rules_dir or config.rules), list(sources))
    if fmt == "json":
        _emit_json(report.as_dict())
    elif fmt == "html":
        _echo(coverage_html(report), nl=False)
    else:
        _echo(coverage_text(report, show_conditions=show_conditions), nl=False)
    if threshold is not None and report.rule_percent < threshold:
        source = "" if fail_under is not None else f" (fail-under in {config.file})"
        _echo(
            f"Rule coverage {report.rule_percent:.1f}% is below {threshold:g}%{source}; never fired: "
            f"{', '.join(report.never_fired)}",
            err=True,
        )
        sys.exit(1)
    if report.errors:
        _echo(f"{len(report.errors)} case file(s) could not be planned; coverage counts only the others", err=True)
        sys.exit(UserError.exit_code)


@main.command(name="lint")
@click.argument("rules_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for GitHub Actions annotations, sarif for SARIF 2.1.0.",
)
@click.option(
    "--select",
    metavar="CODES",
    help="Comma-separated check codes or prefixes to run, e.g. CEC2 or CEC203,CEC205 (default: all).",
)
@click.option("--ignore", metavar="CODES", help="Comma-separated check codes or prefixes to leave out, e.g. CEC204.")
@reports_errors
def lint_command(rules_dir: Path | None, fmt: str, select: str | None, ignore: str | None) -> None:
    """Check a rule base statically; every finding has a code, a file:line and, where one exists, a witness.

    Codes: CEC100-107 (loading), CEC201 unused service, CEC202 salience tie,
    CEC203 never-true condition, CEC204 subsumed rule, CEC205 conflict.

    Choose checks with --select / --ignore (codes or prefixes, as in ruff) or
    with select / ignore under [tool.cec-advisor.lint] in the nearest
    pyproject.toml (the options win). They choose among CEC2xx; CEC1xx (a rule
    base that does not load) are always reported. RULES_DIR defaults to
    `rules` under [tool.cec-advisor], else the shipped rules.

    Suppress one finding with `# noqa: CEC204` at the end of the line it points
    at: a rule's `- id:` line; a service's `- id:` line in services.yaml for
    CEC201; the second rule's for CEC202 and CEC205. Several codes take
    commas; a bare `# noqa` suppresses every code.

    Exit codes: 0 clean; 1 findings; 2 bad input or usage (not a folder, a
    folder that is not a rule base, a bad code, a rule base larger than the
    engine can hold); 3 the rule engine failed; 130 interrupted.

    Example: cec-advisor lint rules/ --ignore CEC204 --format github
    """
    from cec_advisor.config import load_config
    from cec_advisor.lint import lint
    from cec_advisor.lintcodes import code_problem
    from cec_advisor.reports_ci import github_annotations, sarif

    def codes(name: str, text: str) -> tuple[str, ...]:
        chosen = tuple(part.strip().upper() for part in text.split(",") if part.strip())
        for code in chosen:
            if problem := code_problem(code):
                raise click.BadParameter(problem, param_hint=name)
        return chosen

    config = load_config()
    chosen = lint(
        rules_dir or config.rules,
        select=codes("--select", select) if select is not None else config.lint_select,
        ignore=codes("--ignore", ignore) if ignore is not None else config.lint_ignore,
    )
    if fmt == "json":
        _emit_json([f.as_dict() for f in chosen])
    elif fmt == "github":
        _echo(github_annotations(chosen), nl=False)
    elif fmt == "sarif":
        _echo(sarif(chosen), nl=False)
    else:
        for finding in chosen:
            _echo(str(finding), role="warn")
        _echo(f"{len(chosen)} finding(s)" if chosen else "No findings.", role="fail" if chosen else "ok")
    if chosen:
        sys.exit(1)


@main.command()
@click.option(
    "--count",
    type=click.IntRange(0, 1_000_000),
    default=500,
    show_default=True,
    help="Cases drawn from the Hypothesis strategies.",
)
@click.option(
    "--per-decision",
    type=click.IntRange(1, 1_000_000),
    default=2000,
    show_default=True,
    help="Most enumerated cases per required decision (a seeded sample beyond).",
)
@click.option("--seed", type=click.IntRange(0, SEED_MAX), default=0, show_default=True)
@click.option(
    "--out",
    "out_dir",
    type=OutputPath(path_type=Path, file_okay=False),
    default=Path("gaps"),
    show_default=True,
    help="Folder for witness case files (gap-NNN.yaml; those an earlier run left and this one does not are removed).",
)
@format_option
@rules_option
@reports_errors
def gaps(count: int, per_decision: int, seed: int, out_dir: Path, fmt: str, rules_dir: Path | None) -> None:
    """Search the space of valid cases for decisions that get no value or more than one.

    Each problem is reported once, with a witness case file in --out. Witness
    files an earlier run wrote there that this run does not write again are
    removed (the list is kept in --out/.cec-advisor-gaps.json); other files are
    never touched. A progress bar shows on a terminal. Needs the optional
    Hypothesis extra: pip install 'cec-advisor[testers]'.

    Exit codes: 0 no gap, 1 gaps or conflicts found, 2 bad input or usage
    (or Hypothesis not installed), 3 the rule engine failed, 130 interrupted.

    Example: cec-advisor gaps --count 1000 --out gaps/ --format json
    """
    from cec_advisor.gaps import find_gaps
    from cec_advisor.progress import ProgressBar

    advisor = Advisor(rules_dir)
    with ProgressBar("Searching for gaps") as progress:
        report = find_gaps(
            advisor, count=count, per_decision=per_decision, seed=seed, out_dir=out_dir, progress=progress
        )
    if fmt == "json":
        _emit_json(report.as_dict())
    else:
        _echo(f"{report.enumerated} enumerated and {report.sampled} sampled cases run through the engine")
        for gap in report.gaps:
            _echo(f"  {gap.problem} (witness: {gap.file})")
        _echo(f"{len(report.gaps)} gap(s) or conflict(s) found")
        if report.tidied and report.tidied.removed:
            _echo(f"{len(report.tidied.removed)} witness file(s) of an earlier run removed from {out_dir}", err=True)
    if report.gaps:
        sys.exit(1)


@main.command(name="test")
@click.argument("cases_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-k", "keyword", default="", help="Run only cases whose rule::name matches (and, or, not, ()).")
@format_option
@click.option(
    "--junit-xml",
    "junit_file",
    type=OutputPath(path_type=Path, dir_okay=False),
    help="Also write a JUnit XML report to this file (atomically), for CI.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only the failures and the closing count.")
@rules_option
@reports_errors
def test_command(
    cases_dir: Path | None, keyword: str, fmt: str, junit_file: Path | None, quiet: bool, rules_dir: Path | None
) -> None:
    """Run the per-rule YAML test cases (the same files pytest runs) and report each.

    CASES_DIR defaults to ./tests/rule_cases when there is one, else the rule
    cases shipped with the rules (so an installed advisor can test itself).

    Exit codes: 0 every selected case passed; 1 some failed; 2 bad input or
    usage (a folder that holds no rule cases, a bad -k); 3 the rule engine
    failed; 5 no case selected (as pytest); 130 interrupted.

    Example: cec-advisor test -k "K7 and not silent" --junit-xml rule-cases.xml
    """
    from cec_advisor.reports_ci import junit_xml
    from cec_advisor.rulecases import keyword_matcher, load_rule_cases, rule_cases_dir, run_rule_cases

    folder = rule_cases_dir(cases_dir)
    matches = keyword_matcher(keyword)
    selected = [loaded for loaded in load_rule_cases(folder) if matches(loaded.test_id)]
    results = []
    for result in run_rule_cases(Advisor(rules_dir), selected):
        results.append(result)
        if fmt == "text" and not (quiet and result.passed):
            _echo(
                f"{'pass' if result.passed else 'FAIL'} {result.case.test_id}", role="ok" if result.passed else "fail"
            )
            for problem in result.problems:
                _echo(f"     {problem}")
    failed = sum(1 for result in results if not result.passed)
    if fmt == "json":
        _emit_json(
            {
                "folder": str(folder),
                "passed": len(results) - failed,
                "failed": failed,
                "cases": [result.as_dict() for result in results],
            }
        )
    else:
        _echo(f"{len(results) - failed} passed, {failed} failed", role="fail" if failed else "ok")
    if junit_file is not None:
        write_atomic(junit_file, junit_xml(results))
    if not selected:
        _echo(f"no rule case in {folder} matches -k {keyword!r}", err=True)
        sys.exit(NOTHING_SELECTED)
    if failed:
        sys.exit(1)


@main.command()
@click.option("--count", type=click.IntRange(1, 10_000_000), required=True, help="How many case files.")
@click.option("--seed", type=click.IntRange(0, SEED_MAX), default=0, show_default=True, help="Same seed, same cases.")
@click.option(
    "--out",
    "out_dir",
    type=OutputPath(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the case files (created if needed).",
)
@reports_errors
def generate(count: int, seed: int, out_dir: Path) -> None:
    """Write valid, varied case files from the Hypothesis strategies the tests use.

    The files are named by their ids, gen-SEED-N.yaml. Into a folder an
    earlier generate filled, the files it wrote that this run does not write
    again are removed (the list is kept in --out/.cec-advisor-generate.json),
    so the folder holds exactly this corpus; any other file there is kept and
    counted. A progress bar shows on a terminal. Needs the optional Hypothesis
    extra: pip install 'cec-advisor[testers]'.

    Exit codes: 0 written, 2 bad input or usage (or Hypothesis not installed),
    130 interrupted.

    Example: cec-advisor generate --count 1000 --seed 1 --out corpus/
    """
    from cec_advisor.generated import GeneratedFolder
    from cec_advisor.progress import ProgressBar
    from cec_advisor.strategies import POOL, generate_cases

    steps = min(count, POOL) + count
    with ProgressBar("Generating cases") as progress:
        cases = generate_cases(count, seed, progress=lambda done, _: progress(done, steps))
        folder = GeneratedFolder(out_dir, "generate")
        folder.begin(f"{data['id']}.yaml" for data in cases)
        for data in cases:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
            write_atomic(out_dir / f"{data['id']}.yaml", text, sync=False)
            progress(1, steps)
        tidied = folder.finish()
    _echo(f"{count} case files written to {out_dir}")
    if tidied.removed:
        _echo(f"{len(tidied.removed)} case file(s) of an earlier generate removed from {out_dir}", err=True)
    if tidied.others:
        _echo(
            f"{len(tidied.others)} other .yaml file(s) in {out_dir} were not written by generate and were kept",
            err=True,
        )
