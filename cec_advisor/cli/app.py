"""The command group and what every command shares: one-line errors, exit codes, common options, output.

Exit codes, one scheme for every command (see :data:`EXIT_CODES`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from cec_advisor import __version__
from cec_advisor.cli import colour as colour
from cec_advisor.errors import CecError, EngineError, Interrupted, UserError
from cec_advisor.io.safetext import printable
from cec_advisor.limits import memory_limit_note


def echo(message: Any = None, *, role: str | None = None, **kwargs: Any) -> None:
    """``click.echo`` for everything this CLI prints: case, rule and file-name data can hold control characters.

    ``role`` (ok, fail, warn, heading) colours the line when colour is on for
    that stream (see :mod:`cec_advisor.cli.colour`); the escaping comes first, so
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


@contextmanager
def errors_as_lines() -> Iterator[None]:
    """Turn every error of a command into one ``Error:`` line and its exit code; never a traceback.

    The command group runs each command inside this (:meth:`OneLineErrors.invoke`), so no command handles
    errors itself. Click's own exceptions (usage errors, ``--help``) pass through to :meth:`OneLineErrors.main`.
    """
    try:
        yield
    except CecError as exc:
        echo(printable(f"Error: {exc}", one_line=True), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        echo("Interrupted.", err=True)
        sys.exit(Interrupted.exit_code)
    except MemoryError:
        echo(f"Error: out of memory{memory_limit_note()}", err=True)
        sys.exit(INTERNAL_ERROR)
    except (click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(BROKEN_PIPE)
    except Exception as exc:
        if os.environ.get("CEC_ADVISOR_DEBUG"):
            raise
        echo(f"Error: internal error: {type(exc).__name__}: {exc} (set CEC_ADVISOR_DEBUG=1 for details)", err=True)
        sys.exit(INTERNAL_ERROR)


class ConfiguredCommand(click.Command):
    """A command whose ``--rules`` left unset comes from ``[tool.cec-advisor] rules`` in the nearest pyproject.toml."""

    def invoke(self, ctx: click.Context) -> Any:
        """Fill ``rules_dir`` from the settings when the command takes a rules folder and none was given."""
        if (
            "rules_dir" in ctx.params
            and ctx.params["rules_dir"] is None
            and any(p.name == "rules_dir" and isinstance(p, click.Option) for p in self.params)
        ):
            from cec_advisor.cli.config import load_config

            ctx.params["rules_dir"] = load_config().rules
        return super().invoke(ctx)


def _set_colour(ctx: click.Context, param: click.Parameter, value: str) -> None:
    colour.set_mode(value)  # type: ignore[arg-type]  # click.Choice has checked it


class OneLineErrors(click.Group):
    """The command group, whose usage errors are one ``Error:`` line (click prints three) with a pointer to --help."""

    command_class = ConfiguredCommand

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen command with its errors as one line each (:func:`errors_as_lines`)."""
        with errors_as_lines():
            return super().invoke(ctx)

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
            echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = f" (see: {exc.ctx.command_path} --help)" if exc.ctx is not None else ""
            echo(printable(f"Error: {exc.format_message()}{where}", one_line=True), err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            echo(printable(f"Error: {exc.format_message()}", one_line=True), err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            echo("Interrupted.", err=True)
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


def emit_json(data: object) -> None:
    echo(json.dumps(data, indent=2, ensure_ascii=False))
