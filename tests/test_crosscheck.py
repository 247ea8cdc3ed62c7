"""crosscheck: every case through durable-rules and through CLIPS, every disagreement reported with a witness."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cec_advisor.cli.main import main
from cec_advisor.verify.clips import clips_value, translate

from .conftest import CASES, ROOT

BROKEN = [sys.executable, "-m", "tests.broken_adapter"]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT, timeout=600)


def test_the_engines_agree_on_every_sample_case() -> None:
    """Every shipped sample and teaching case gets the same decisions, services, warnings and firings from both."""
    result = CliRunner().invoke(main, ["crosscheck", str(CASES)])
    assert result.exit_code == 0, result.output
    assert "agree on every one" in result.output


def test_the_engines_agree_on_generated_cases(tmp_path: Path) -> None:
    """Two hundred generated cases: both engines agree, and no witness is written."""
    result = CliRunner().invoke(main, ["crosscheck", "--generate", "200", "--seed", "3", "--out", str(tmp_path / "w")])
    assert result.exit_code == 0, result.output
    assert "200 cases checked" in result.output
    assert not (tmp_path / "w").exists()


def test_a_broken_adapter_is_caught_with_the_rule_and_the_witness() -> None:
    """An adapter that drops negations disagrees with CLIPS on each case, exit 1: a conflict, a misfiring rule."""
    done = _run([*BROKEN, "crosscheck", "cases/riverside-adversarial.yaml", "cases/sig-school.yaml"])
    assert done.returncode == 1, done.stdout + done.stderr
    assert "riverside-42 (cases/riverside-adversarial.yaml): run" in done.stdout
    assert "durable: failed: rules conflict: emphasis was concluded as" in done.stdout
    assert "(cases/sig-school.yaml): " in done.stdout
    assert "2 cases checked: the engines disagree on 2" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_disagreeing_generated_case_is_written_as_a_valid_witness(tmp_path: Path) -> None:
    """With the broken adapter, generated cases that disagree are written to --out and validate as case files."""
    out = tmp_path / "witnesses"
    done = _run([*BROKEN, "crosscheck", "--generate", "30", "--out", str(out), "--format", "json"])
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    witnesses = sorted({d["witness"] for d in report["disagreements"]})
    assert witnesses and all(Path(w).parent == out for w in witnesses)
    validated = CliRunner().invoke(main, ["validate", *witnesses])
    assert validated.exit_code == 0, validated.output


def test_json_report_lists_each_disagreement_by_aspect() -> None:
    """The JSON report holds the count checked and, per disagreement, the case, aspect and both engines' answers."""
    done = _run([*BROKEN, "crosscheck", "cases/sig-school.yaml", "--format", "json"])
    report = json.loads(done.stdout)
    assert report["checked"] == 1 and report["disagreeing_cases"] == 1
    assert {"case", "witness", "aspect", "durable", "clips"} <= set(report["disagreements"][0])


def test_without_clipspy_crosscheck_says_how_to_install_it() -> None:
    """Without the testers' extra, crosscheck is refused in one line naming the extra, exit 2."""
    code = (
        "import sys; sys.modules['clips'] = None\n"
        "from cec_advisor.cli.main import main\n"
        "main(['crosscheck', 'cases/sig-school.yaml'], prog_name='cec-advisor')\n"
    )
    done = _run([sys.executable, "-c", code])
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: crosscheck needs clipspy, the testers' extra: pip install 'cec-advisor[testers]'"
    ]


def test_crosscheck_with_nothing_to_check_is_a_usage_error() -> None:
    """No case files and no --generate: a one-line usage error, exit 2."""
    result = CliRunner().invoke(main, ["crosscheck"])
    assert result.exit_code == 2
    assert "give case files or folders to check, or --generate N" in result.output


def test_values_keep_their_types_in_clips() -> None:
    """true is a symbol, 1 an integer and 1.0 a float, so CLIPS never matches one for another (as the adapter)."""
    assert [clips_value(True), clips_value(1), clips_value(1.0), clips_value('a "b"')] == [
        "true",
        "1",
        "1.0",
        '"a \\"b\\""',
    ]


def test_an_unknown_fact_translates_to_its_empty_slot(advisor: object) -> None:
    """A test that accepts ``unknown`` matches the case fact's empty slot (nil), not a value written "unknown"."""
    from cec_advisor.advisor import Advisor

    assert isinstance(advisor, Advisor)
    rule = next(r for r in advisor.rulebase.rules if any("unknown" in map(str, t.values) for t in r.when.facts))
    text = translate(rule, 1)
    assert "nil)" in text
    assert '"unknown"' not in text


def test_the_clips_translation_imports_nothing_of_the_durable_compiler_or_adapter() -> None:
    """verify/clips.py reads the validated rule base only: no import of engine.compile or engine.durable."""
    import ast

    tree = ast.parse((ROOT / "cec_advisor" / "verify" / "clips.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not {name for name in imported if name and (name.startswith("durable") or "engine.compile" in name)}
    assert "cec_advisor.engine.durable" not in imported
