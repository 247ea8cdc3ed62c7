"""Trainers' commands: explain, why, why-not, what-if and diagram."""

from __future__ import annotations

from pathlib import Path

import click

from cec_advisor.advisor import Advisor
from cec_advisor.cli import colour as colour
from cec_advisor.cli.app import echo, emit_json, format_option, main, rules_option
from cec_advisor.render.diagram import build_diagram, to_dot, to_mermaid


@main.command(name="explain")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--step", "pause", is_flag=True, help="Pause after each Pathway step (Enter to go on) on a terminal.")
@format_option
@rules_option
def explain_command(case_file: Path, pause: bool, fmt: str, rules_dir: Path | None) -> None:
    """Walk the Pathway step by step: each decision, the facts behind it, the rule and its source.

    Example: cec-advisor explain cases/board-refuses.yaml --step
    """
    from cec_advisor.explain.formatters import step_lines, walk_heading
    from cec_advisor.explain.how import walk

    advisor = Advisor(rules_dir)
    walked = walk(advisor.plan_file(case_file), advisor.rulebase)
    if fmt == "json":
        emit_json(walked.as_dict())
        return
    echo(walk_heading(walked))
    for step in walked.steps:
        echo("\n".join(step_lines(step)))
        if pause and step.step < 5:
            click.pause(f"\n-- Enter for Step {step.step + 1} --")


@main.command(name="why")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("service_id")
@format_option
@rules_option
def why_command(case_file: Path, service_id: str, fmt: str, rules_dir: Path | None) -> None:
    """Show the proof tree behind a service in the plan, down to the case facts.

    Exits 0 with an answer whether or not the service is in the plan; 2 for a
    service the catalogue does not hold or a bad case file.

    Example: cec-advisor why cases/riverside-adversarial.yaml instructional-model
    """
    from cec_advisor.explain.formatters import why_lines
    from cec_advisor.explain.why import why

    advisor = Advisor(rules_dir)
    case = advisor.load(case_file)
    answer = why(advisor.plan(case), advisor.rulebase, service_id, case)
    if fmt == "json":
        emit_json(answer.as_dict())
    else:
        echo("\n".join(why_lines(answer, str(case_file))))


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
def why_not_command(case_file: Path, service_id: str, budget: int, fmt: str, rules_dir: Path | None) -> None:
    """Explain why a service is not in the plan (or deferred), and find the smallest change that brings it in.

    Exits 0 with an answer whether or not the service is in the plan; 2 for a
    service the catalogue does not hold or a bad case file.

    Example: cec-advisor why-not cases/sustained-high-performer.yaml standards-based-curriculum
    """
    from cec_advisor.explain.formatters import why_not_lines
    from cec_advisor.explain.why_not import why_not

    advisor = Advisor(rules_dir)
    answer = why_not(advisor, advisor.load(case_file), service_id, budget=budget)
    if fmt == "json":
        emit_json(answer.as_dict())
    else:
        echo("\n".join(why_not_lines(answer, str(case_file))))


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
def what_if_command(case_file: Path, settings: tuple[str, ...], fmt: str, rules_dir: Path | None) -> None:
    """Plan the case as it is and with some facts changed, and show what differs and why.

    Shows the decisions, services, warnings and open questions that differ, each
    with the rules behind it. VALUE is read as in a case file (true/false, not
    yes/no); null removes the fact, which makes it unknown.

    Example: cec-advisor what-if cases/riverside-adversarial.yaml --set culture.trust=high
    """
    from cec_advisor.explain.changes import parse_setting
    from cec_advisor.explain.formatters import what_if_lines
    from cec_advisor.explain.what_if import what_if

    advisor = Advisor(rules_dir)
    diff, _, _ = what_if(advisor, advisor.load(case_file), [parse_setting(text) for text in settings])
    if fmt == "json":
        emit_json(diff.as_dict())
    else:
        echo("\n".join(what_if_lines(diff)))


@main.command(name="diagram")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dot", is_flag=True, help="Graphviz DOT instead of Mermaid.")
@rules_option
def diagram_command(case_file: Path, dot: bool, rules_dir: Path | None) -> None:
    """Draw the path the case took through the Pathway (Mermaid, or DOT with --dot); untaken branches greyed.

    Example: cec-advisor diagram cases/pera-slo-request.yaml --dot | dot -Tsvg > path.svg
    """
    model = build_diagram(Advisor(rules_dir).plan_file(case_file))
    echo(to_dot(model) if dot else to_mermaid(model), nl=False)
