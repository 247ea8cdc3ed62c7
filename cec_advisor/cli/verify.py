"""Testers' commands: coverage, lint, gaps, test and generate.

The analysis tools (and Hypothesis, for ``generate`` and ``gaps``) are imported inside the commands that need them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import yaml

from cec_advisor.advisor import Advisor
from cec_advisor.cli import colour as colour
from cec_advisor.cli.app import (
    FOUND_PROBLEMS,
    NOTHING_SELECTED,
    OutputPath,
    echo,
    emit_json,
    format_option,
    main,
    rules_option,
)
from cec_advisor.errors import UserError
from cec_advisor.io.fileio import write_atomic

SEED_MAX = 2**32 - 1


"""Seeds run 0..2**32-1: generated ids (gen-<seed>-<n>) stay within the 64 characters a case id allows."""


@main.command(name="coverage")
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
def coverage_command(
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
    from cec_advisor.cli.config import load_config
    from cec_advisor.verify.coverage import measure
    from cec_advisor.verify.formatters import coverage_html, coverage_text

    config = load_config()
    threshold = fail_under if fail_under is not None else config.coverage_fail_under
    report = measure(Advisor(rules_dir or config.rules), list(sources))
    if fmt == "json":
        emit_json(report.as_dict())
    elif fmt == "html":
        echo(coverage_html(report), nl=False)
    else:
        echo(coverage_text(report, show_conditions=show_conditions), nl=False)
    if threshold is not None and report.rule_percent < threshold:
        source = "" if fail_under is not None else f" (fail-under in {config.file})"
        echo(
            f"Rule coverage {report.rule_percent:.1f}% is below {threshold:g}%{source}; never fired: "
            f"{', '.join(report.never_fired)}",
            err=True,
        )
        sys.exit(1)
    if report.errors:
        echo(f"{len(report.errors)} case file(s) could not be planned; coverage counts only the others", err=True)
        sys.exit(UserError.exit_code)


def _lint_help() -> str:
    """``lint --help``: what it does, then every check code and title from the registry."""
    from cec_advisor.verify.lintcodes import CHECKS

    codes = "\n".join(f"  {check.code}  {check.title}" for check in CHECKS.values())
    return _LINT_HELP.replace("{codes}", codes)


_LINT_HELP = """Check a rule base statically; every finding has a code, a file:line and, where one exists, a witness.

\b
Codes (CEC1xx: the rule base does not load):
{codes}

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


def _codes_option(name: str, text: str | None) -> tuple[str, ...] | None:
    """The codes a --select / --ignore value lists (``None`` when not given); a bad one is a usage error."""
    from cec_advisor.verify.lintcodes import code_problem

    if text is None:
        return None
    chosen = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    for code in chosen:
        if problem := code_problem(code):
            raise click.BadParameter(problem, param_hint=name)
    return chosen


@main.command(name="lint", help=_lint_help())
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
def lint_command(rules_dir: Path | None, fmt: str, select: str | None, ignore: str | None) -> None:
    """Lint the rule base and print the findings in ``fmt``; exit 1 when there are any (help: :func:`_lint_help`)."""
    from cec_advisor.cli.config import load_config
    from cec_advisor.verify.formatters import lint_lines
    from cec_advisor.verify.lint import lint
    from cec_advisor.verify.reports_ci import github_annotations, sarif

    config = load_config()
    selected, ignored = _codes_option("--select", select), _codes_option("--ignore", ignore)
    findings = lint(
        rules_dir or config.rules,
        select=selected if selected is not None else config.lint_select,
        ignore=ignored if ignored is not None else config.lint_ignore,
    )
    if fmt == "json":
        emit_json([finding.as_dict() for finding in findings])
    elif fmt == "github":
        echo(github_annotations(findings), nl=False)
    elif fmt == "sarif":
        echo(sarif(findings), nl=False)
    else:
        for line, role in lint_lines(findings):
            echo(line, role=role)
    if findings:
        sys.exit(1)


@main.command(name="gaps")
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
def gaps_command(count: int, per_decision: int, seed: int, out_dir: Path, fmt: str, rules_dir: Path | None) -> None:
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
    from cec_advisor.cli.progress import ProgressBar
    from cec_advisor.verify.formatters import gaps_lines, gaps_tidied
    from cec_advisor.verify.gaps import find_gaps

    advisor = Advisor(rules_dir)
    with ProgressBar("Searching for gaps") as progress:
        report = find_gaps(
            advisor, count=count, per_decision=per_decision, seed=seed, out_dir=out_dir, progress=progress
        )
    if fmt == "json":
        emit_json(report.as_dict())
    else:
        for line in gaps_lines(report):
            echo(line)
        if note := gaps_tidied(report, out_dir):
            echo(note, err=True)
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
    from cec_advisor.verify.formatters import rule_case_lines, rule_cases_summary
    from cec_advisor.verify.reports_ci import junit_xml
    from cec_advisor.verify.rulecases import rule_cases_dir, run_rule_cases
    from cec_advisor.verify.testrun import RuleCaseRun, select_rule_cases

    run = RuleCaseRun(rule_cases_dir(cases_dir))
    selected = select_rule_cases(run.folder, keyword)
    for result in run_rule_cases(Advisor(rules_dir), selected):
        run.results.append(result)
        if fmt == "text":
            for line, role in rule_case_lines(result, quiet=quiet):
                echo(line, role=role)
    if fmt == "json":
        emit_json(run.as_dict())
    else:
        summary, role = rule_cases_summary(run)
        echo(summary, role=role)
    if junit_file is not None:
        write_atomic(junit_file, junit_xml(run.results))
    if not selected:
        echo(f"no rule case in {run.folder} matches -k {keyword!r}", err=True)
        sys.exit(NOTHING_SELECTED)
    if run.failed:
        sys.exit(1)


@main.command(name="generate")
@click.option("--count", type=click.IntRange(1, 10_000_000), required=True, help="How many case files.")
@click.option("--seed", type=click.IntRange(0, SEED_MAX), default=0, show_default=True, help="Same seed, same cases.")
@click.option(
    "--out",
    "out_dir",
    type=OutputPath(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the case files (created if needed).",
)
def generate_command(count: int, seed: int, out_dir: Path) -> None:
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
    from cec_advisor.cli.progress import ProgressBar
    from cec_advisor.verify.formatters import generate_lines
    from cec_advisor.verify.generated import GeneratedFolder
    from cec_advisor.verify.strategies import POOL, generate_cases

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
    for line, to_stderr in generate_lines(count, out_dir, tidied):
        echo(line, err=to_stderr)


@main.command(name="crosscheck")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--generate", "count", type=click.IntRange(0, 10**7), default=0, help="Also check N generated cases.")
@click.option("--seed", type=click.IntRange(0, SEED_MAX), default=0, show_default=True, help="Same seed, same cases.")
@click.option(
    "--out",
    "witness_dir",
    type=OutputPath(path_type=Path, file_okay=False),
    default=Path("crosscheck-witnesses"),
    show_default=True,
    help="Folder for the witness case file of each generated case the engines disagree on.",
)
@format_option
@rules_option
def crosscheck_command(
    sources: tuple[Path, ...], count: int, seed: int, witness_dir: Path, fmt: str, rules_dir: Path | None
) -> None:
    """Run cases through durable-rules and through CLIPS, and report every way the two engines disagree.

    The rule base is translated to CLIPS independently of the durable adapter;
    both engines must agree on every decision, service, warning, open question
    and on the order of the firings. SOURCES are case files or folders;
    --generate N adds N generated cases (seeded). A disagreement names its
    witness: the case file, or the generated case written to --out. Needs the
    testers' extra: pip install 'cec-advisor[testers]'.

    Exit codes: 0 the engines agree on every case; 1 they disagree on some;
    2 bad input or usage (a case file that does not validate, nothing to
    check, the extra not installed); 3 the rule engine failed; 130 interrupted.

    Example: cec-advisor crosscheck cases/ --generate 2000
    """
    from cec_advisor.verify.crosscheck import Crosscheck, CrosscheckReport
    from cec_advisor.verify.formatters import crosscheck_lines

    if not sources and not count:
        raise click.UsageError("give case files or folders to check, or --generate N")
    checker = Crosscheck(Advisor(rules_dir))
    report = CrosscheckReport()
    checker.check_files(list(sources), report)
    if count:
        from cec_advisor.verify.strategies import generate_cases

        checker.check_generated(generate_cases(count, seed), witness_dir, report)
    if fmt == "json":
        emit_json(report.as_dict())
    else:
        for line, role in crosscheck_lines(report):
            echo(line, role=role)
    if report.errors:
        sys.exit(UserError.exit_code)
    if report.disagreements:
        sys.exit(FOUND_PROBLEMS)
