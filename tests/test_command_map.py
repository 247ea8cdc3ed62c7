"""Every command maps, by name, to its code, its formatter and its tests; the README's table is this map.

The convention: command ``why-not`` of the trainers' role is ``why_not_command``
in ``cec_advisor/cli/explain.py``; its words come from the role's formatter
(``cec_advisor/explain/formatters.py``; a plan's from ``cec_advisor/render/``);
its tests are ``tests/test_why_not.py``.
"""

from __future__ import annotations

import ast

import click
import pytest

from cec_advisor.cli.main import main

from .conftest import ROOT

COMMANDS: dict[str, tuple[str, str]] = {
    "plan": ("consult", "render/__init__.py"),
    "batch": ("consult", "consult/formatters.py"),
    "validate": ("consult", "consult/formatters.py"),
    "schema": ("consult", "model/schema.py"),
    "services": ("consult", "consult/formatters.py"),
    "interview": ("consult", "consult/formatters.py"),
    "explain": ("explain", "explain/formatters.py"),
    "why": ("explain", "explain/formatters.py"),
    "why-not": ("explain", "explain/formatters.py"),
    "what-if": ("explain", "explain/formatters.py"),
    "diagram": ("explain", "render/diagram.py"),
    "coverage": ("verify", "verify/formatters.py"),
    "lint": ("verify", "verify/formatters.py"),
    "gaps": ("verify", "verify/formatters.py"),
    "test": ("verify", "verify/formatters.py"),
    "generate": ("verify", "verify/formatters.py"),
    "crosscheck": ("verify", "verify/formatters.py"),
}
"""Command -> (its role, its formatter under cec_advisor/)."""


def _python_name(command: str) -> str:
    return command.replace("-", "_")


def code_file(command: str) -> str:
    """The module that defines the command: ``cec_advisor/cli/<role>.py``."""
    return f"cec_advisor/cli/{COMMANDS[command][0]}.py"


def file_of_tests(command: str) -> str:
    """The command's tests: ``tests/test_<command>.py``."""
    return f"tests/test_{_python_name(command)}.py"


def map_table() -> str:
    """The map as the README shows it."""
    rows = ["| command | code | formatter | tests |", "|---|---|---|---|"]
    for command, (_, formatter) in COMMANDS.items():
        code = f"`{code_file(command)}` `{_python_name(command)}_command`"
        rows.append(f"| `{command}` | {code} | `cec_advisor/{formatter}` | `{file_of_tests(command)}` |")
    return "\n".join(rows)


def test_the_map_lists_every_command_and_only_those() -> None:
    """A command added to the CLI without a line in the map (or a line left for a removed one) fails here."""
    assert sorted(main.commands) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_is_found_where_its_name_says(command: str) -> None:
    """The command's function is ``<name>_command`` in its role's CLI module, which imports its formatter."""
    callback = main.commands[command].callback
    assert isinstance(main.commands[command], click.Command) and callback is not None
    assert callback.__name__ == f"{_python_name(command)}_command"
    assert callback.__module__ == code_file(command).removesuffix(".py").replace("/", ".")
    formatter = COMMANDS[command][1]
    assert (ROOT / "cec_advisor" / formatter).is_file()
    module = "cec_advisor." + formatter.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    tree = ast.parse((ROOT / code_file(command)).read_text(encoding="utf-8"))
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == callback.__name__)
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    local = {n.module for n in ast.walk(function) if isinstance(n, ast.ImportFrom) and n.module}
    assert module in imported | local, f"{code_file(command)} does not import {module}"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_has_a_test_file_of_its_name_that_runs_it(command: str) -> None:
    """``tests/test_<command>.py`` exists and runs the command (or, for plan, the library call it wraps)."""
    path = ROOT / file_of_tests(command)
    assert path.is_file(), f"{file_of_tests(command)} is missing"
    text = path.read_text(encoding="utf-8")
    assert f'"{command}"' in text, f"{file_of_tests(command)} never runs `cec-advisor {command}`"


def test_the_readme_table_is_the_map() -> None:
    """The README's 'Where each command is' table is generated from this map (a stale README fails)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert map_table() in readme, "README table out of date; paste:\n" + map_table()
