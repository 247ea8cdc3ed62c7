"""The ``cec-advisor`` command line: parses options, calls :class:`~cec_advisor.advisor.Advisor`, renders.

Exit codes: 0 success; 2 bad input (case, rule or catalogue file, or usage);
3 the rule engine failed or the rules contradicted each other; 1 an internal
error (a bug: reported in one line; set ``CEC_ADVISOR_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from cec_advisor import __version__
from cec_advisor.advisor import Advisor
from cec_advisor.errors import CecError
from cec_advisor.fileio import write_atomic
from cec_advisor.render.json import render_json
from cec_advisor.render.markdown import render_markdown

F = TypeVar("F", bound=Callable[..., Any])

RENDERERS = {"markdown": render_markdown, "json": render_json}

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
    type=click.Choice(sorted(RENDERERS)),
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
