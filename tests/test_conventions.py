"""What users of pytest, ruff and coverage.py expect: format from the suffix, folders and `-` everywhere,
JSON for tools, colour only on terminals, shell completion, a schema that explains itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.cli.main import main
from cec_advisor.model.case import INDICATORS

from .conftest import CASES

STEADY = CASES / "steady-district.yaml"
BAD = "format: cec-case/1\nid: x\n"


@pytest.mark.parametrize(("name", "starts"), [("plan.html", "<!DOCTYPE html>"), ("plan.json", "{"), ("plan.md", "# ")])
def test_plan_takes_the_format_from_the_output_suffix(tmp_path: Path, name: str, starts: str) -> None:
    """`plan -o report.html` writes HTML (not Markdown into an .html file)."""
    target = tmp_path / name
    result = CliRunner().invoke(main, ["plan", str(STEADY), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith(starts)


def test_plan_refuses_a_format_that_contradicts_the_suffix(tmp_path: Path) -> None:
    """`-f json -o x.html` is a usage error (exit 2) and writes nothing."""
    target = tmp_path / "x.html"
    result = CliRunner().invoke(main, ["plan", str(STEADY), "-f", "json", "-o", str(target)])
    assert result.exit_code == 2
    assert "ends in '.html' (an HTML file) but --format is json" in result.output
    assert not target.exists()


@pytest.mark.parametrize("command", [["plan"], ["validate"], ["explain"]])
def test_dash_reads_the_case_from_standard_input(command: list[str]) -> None:
    """`-` is standard input for plan, validate and explain; errors name it <stdin>."""
    good = CliRunner().invoke(main, [*command, "-"], input=STEADY.read_text(encoding="utf-8"))
    assert good.exit_code == 0, good.output
    bad = CliRunner().invoke(main, [*command, "-"], input=BAD)
    assert bad.exit_code == 2
    assert "<stdin>:1: " in bad.stderr


def test_validate_takes_folders(tmp_path: Path) -> None:
    """`validate cases/` checks every case file under the folder, as batch does."""
    result = CliRunner().invoke(main, ["validate", str(CASES)])
    assert result.exit_code == 0, result.output
    assert f"{CASES / 'teaching' / 'structures-a.yaml'}: ok" in result.stdout
    assert len(result.stdout.splitlines()) == len(list(CASES.rglob("*.yaml")))


def test_validate_json_and_quiet(tmp_path: Path) -> None:
    """`validate -f json` gives every file with its located problems; `-q` prints only the problems."""
    (tmp_path / "bad.yaml").write_text(BAD)
    (tmp_path / "good.yaml").write_text(STEADY.read_text(encoding="utf-8"))
    result = CliRunner().invoke(main, ["validate", "-f", "json", str(tmp_path)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["invalid"] == 1
    bad = report["files"][0]
    assert bad["file"].endswith("bad.yaml") and not bad["ok"]
    assert {"line": 1, "field": "level", "problem": "required key is missing", "code": "CEC105"} in bad["problems"]
    quiet = CliRunner().invoke(main, ["validate", "-q", str(tmp_path)])
    assert quiet.stdout == "" and "bad.yaml:1: level: required key is missing" in quiet.stderr


def test_services_json() -> None:
    """`services -f json` lists the catalogue with the rules that recommend each service."""
    result = CliRunner().invoke(main, ["services", "-f", "json"])
    assert result.exit_code == 0
    services = json.loads(result.stdout)["services"]
    ibb = next(s for s in services if s["id"] == "interest-based-bargaining")
    assert ibb["step"] == 1 and ibb["recommended_by"]
    one = json.loads(CliRunner().invoke(main, ["services", "-f", "json", "interest-based-bargaining"]).stdout)
    assert [s["id"] for s in one["services"]] == ["interest-based-bargaining"]


def _validate_output(tmp_path: Path, args: list[str], env: dict[str, str], *, tty: bool) -> str:
    """Run `validate` on a bad and a good file, with stdout/stderr a terminal or a pipe; return both."""
    (tmp_path / "bad.yaml").write_text(BAD)
    (tmp_path / "good.yaml").write_text(STEADY.read_text(encoding="utf-8"))
    command = [sys.executable, "-m", "cec_advisor", *args, "validate", str(tmp_path)]
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")} | env
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60, check=False)
        return done.stdout + done.stderr
    import pty

    main_fd, child_fd = pty.openpty()
    done = subprocess.run(command, stdout=child_fd, stderr=child_fd, env=environment, timeout=60, check=False)
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert done.returncode == 2
    return b"".join(chunks).decode()


@pytest.mark.parametrize(
    ("args", "env", "tty", "coloured"),
    [
        ([], {"TERM": "xterm"}, True, True),
        ([], {"TERM": "xterm", "NO_COLOR": "1"}, True, False),
        ([], {"TERM": "dumb"}, True, False),
        ([], {"TERM": "xterm"}, False, False),
        (["--color", "always"], {"TERM": "dumb"}, False, True),
        (["--color", "never"], {"TERM": "xterm"}, True, False),
    ],
)
def test_colour_only_where_it_belongs(
    tmp_path: Path, args: list[str], env: dict[str, str], tty: bool, coloured: bool
) -> None:
    """ok is green and problems red on a terminal; never with NO_COLOR, TERM=dumb or a pipe; --color overrides."""
    output = _validate_output(tmp_path, args, env, tty=tty)
    assert "good.yaml: ok" in output
    assert ("\x1b[32m" in output) is coloured
    assert ("\x1b[31m" in output) is coloured
    if not coloured:
        assert "\x1b[" not in output


def test_help_documents_the_colour_option() -> None:
    """--color is a global option with auto, always and never."""
    result = CliRunner().invoke(main, ["--help"])
    assert "--color [auto|always|never]" in result.output and "NO_COLOR" in result.output


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_script(shell: str) -> None:
    """`_CEC_ADVISOR_COMPLETE=<shell>_source cec-advisor` prints a completion script (as the README shows)."""
    env = os.environ | {"_CEC_ADVISOR_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv[0] = 'cec-advisor'; from cec_advisor.entry import main; main()"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "_CEC_ADVISOR_COMPLETE" in done.stdout


def test_schema_explains_each_indicator() -> None:
    """The schema gives indicators A-P their Appendix C names, so an editor shows them while a case is written."""
    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)
    properties = schema["$defs"]["FocusOnLearning"]["properties"]
    assert properties["G"]["title"] == "G: using assessment data to drive instruction"
    assert "Rating: 1 absent" in properties["G"]["description"]
    assert all(properties[letter]["title"].startswith(f"{letter}: ") for letter in INDICATORS)


def test_readme_says_which_commands_take_rules() -> None:
    """The README's claim holds: every command but lint and generate takes --rules; lint takes the folder."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "`lint` takes the folder as its\nargument instead" in readme and "`generate` reads no rules" in readme
    for name, command in main.commands.items():
        options = {opt for param in command.params for opt in getattr(param, "opts", [])}
        assert ("--rules" in options) is (name not in ("lint", "generate")), name


def test_pyproject_chooses_the_rule_base(tmp_path: Path, rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`[tool.cec-advisor] rules` in the nearest pyproject.toml is the rule base of every command; --rules wins."""
    services = rules_copy / "services.yaml"
    services.write_text(
        services.read_text(encoding="utf-8").replace(
            "name: Comprehensive Union Leadership Development and Training", "name: Union Leaders Programme (local)"
        ),
        encoding="utf-8",
    )
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "pyproject.toml").write_text(f'[tool.cec-advisor]\nrules = "{rules_copy}"\n')
    monkeypatch.chdir(project / "sub")
    listed = CliRunner().invoke(main, ["services"])
    assert listed.exit_code == 0 and "Union Leaders Programme (local)" in listed.stdout
    shipped = CliRunner().invoke(main, ["services", "--rules", str(Path(__file__).resolve().parent.parent / "rules")])
    assert "Union Leaders Programme (local)" not in shipped.stdout
    (project / "pyproject.toml").write_text("[tool.cec-advisor]\nrules = 5\n")
    bad = CliRunner().invoke(main, ["plan", str(STEADY)])
    assert bad.exit_code == 2 and bad.stderr.startswith(
        f"Error: {project / 'pyproject.toml'}:2: tool.cec-advisor.rules"
    )


def test_rule_case_runner_quiet_and_colour() -> None:
    """`test -q` prints only failures and the count; with colour on, pass is green and the count too."""
    quiet = CliRunner().invoke(main, ["test", "-q", "-k", "K7-deadline"])
    assert quiet.exit_code == 0 and quiet.stdout.splitlines() == ["2 passed, 0 failed"]
    coloured = CliRunner().invoke(main, ["--color", "always", "test", "-k", "K7-deadline"], color=True)
    assert "\x1b[32mpass K7-deadline" in coloured.stdout
    plain = CliRunner().invoke(main, ["--color", "never", "test", "-k", "K7-deadline"], color=True)
    assert "\x1b[" not in plain.stdout


def test_a_rule_file_given_as_a_case_points_to_lint() -> None:
    """`validate rules/services.yaml` says it is a rule-base file and names the command that checks one."""
    rules = Path(__file__).resolve().parent.parent / "rules"
    result = CliRunner().invoke(main, ["validate", str(rules / "services.yaml")])
    assert result.exit_code == 2
    assert "this is a rule-base file: check it with `cec-advisor lint`" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["plan", str(STEADY), "-f", "json", "-o", "x.html"],
            "(an HTML file) but --format is json (see: python -m cec_advisor plan --help)",
        ),
        (
            ["validate", "--bogus", str(STEADY)],
            "No such option '--bogus'. (see: python -m cec_advisor validate --help)",
        ),
        (["nonsense"], "No such command 'nonsense'. (see: python -m cec_advisor --help)"),
    ],
)
def test_usage_errors_are_one_line(args: list[str], expected: str) -> None:
    """A usage error is one `Error:` line with a pointer to --help (click alone prints three), exit 2."""
    done = subprocess.run(
        [sys.executable, "-m", "cec_advisor", *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: ") and expected in done.stderr
