"""lint: clean on the shipped rules, and one fixture rule base per check code, each caught with its code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cec_advisor.cli.main import main
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import case_from_data
from cec_advisor.verify.lint import CHECKS, Finding, check_functions, lint
from cec_advisor.verify.lintcodes import CHOOSABLE, LOAD_PREFIX, Check, markdown_table
from cec_advisor.verify.reports_ci import github_annotations, sarif
from cec_advisor.verify.witness import neutral_case

from .conftest import CASES, ROOT, RULE_CASES, RULES

EXTRA_RULE = """
  - id: {id}
    title: A fixture rule
    rationale: Test fixture.
    source: "002 Step 3"
    because: Test fixture.
    tier: {tier}
    when:
{when}
    then:
{then}
"""


UNUSED_SERVICE = """
  - id: board-retreat
    name: Board retreat
    summary: A retreat.
    step: 1
    element: labor-management
    delivery: [facilitating]
    handoff: The board plans its own retreats.
    owner: the board
    source: "002 Step 1"
"""


def _add_rule(rules: Path, rule_id: str, when: str, then: str, tier: str = "direction") -> None:
    path = rules / "step3-direction.yaml"
    indent = lambda text: "\n".join("      " + line for line in text.strip().splitlines())  # noqa: E731
    path.write_text(path.read_text() + EXTRA_RULE.format(id=rule_id, when=indent(when), then=indent(then), tier=tier))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_shipped_rules_are_clean() -> None:
    """The shipped rule base has no findings, and the command exits 0 (one full lint: each takes ~45 s)."""
    result = CliRunner().invoke(main, ["lint", str(RULES), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []


def _only(rules: Path, code: str) -> list:  # type: ignore[type-arg]
    """The findings of ``code``'s check alone (each CEC2xx check takes ~30 s; test_shipped_rules_are_clean runs all)."""
    findings = lint(rules, select=[code] if code.startswith("CEC2") else None)
    assert findings, f"expected {code}"
    assert {f.code for f in findings} == {code}, [str(f) for f in findings]
    return findings


def test_cec100_malformed_file(rules_copy: Path) -> None:
    """Invalid YAML in a rule file."""
    (rules_copy / "step5-support.yaml").write_text("format: cec-rules/1\nrules: [\n")
    finding = _only(rules_copy, "CEC100")[0]
    assert finding.file.endswith("step5-support.yaml") and finding.line == 3


def test_cec101_unknown_fact(rules_copy: Path) -> None:
    """An unknown fact path, with the line where it is written."""
    _edit(
        rules_copy / "step1-commitment.yaml",
        "anchors.interest_based_experience: false",
        "anchors.interest_experience: false",
    )
    finding = _only(rules_copy, "CEC101")[0]
    assert "did you mean 'anchors.interest_based_experience'" in finding.message and finding.line


def test_cec102_value_outside_scale(rules_copy: Path) -> None:
    """A value outside the fact's scale."""
    _edit(rules_copy / "step3-direction.yaml", "culture.trust: low\n    then:", "culture.trust: lowish\n    then:")
    assert "'lowish' is not allowed" in _only(rules_copy, "CEC102")[0].message


def test_cec103_unknown_service(rules_copy: Path) -> None:
    """A rule recommending a service the catalogue lacks."""
    _edit(rules_copy / "step5-support.yaml", "recommend: [data-use]", "recommend: [data-usage]")
    assert "unknown service 'data-usage'" in _only(rules_copy, "CEC103")[0].message


def test_cec104_duplicate_id(rules_copy: Path) -> None:
    """Two rules with one id."""
    _edit(rules_copy / "step5-support.yaml", "  - id: K16-whole-child\n", "  - id: K14-data-use\n")
    assert "duplicate rule id 'K14-data-use'" in _only(rules_copy, "CEC104")[0].message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('    source: "002 Step 4 (last paragraphs); 004"\n', ""),
        ("rationale: Principals become collaborative leaders", 'rationale: ""\n    #'),
    ],
)
def test_cec105_missing_source_or_rationale(rules_copy: Path, old: str, new: str) -> None:
    """A rule without a source, or with an empty rationale."""
    _edit(rules_copy / ("step4-structures.yaml" if "Step 4" in old else "step5-support.yaml"), old, new)
    finding = _only(rules_copy, "CEC105")[0]
    assert "source" in finding.message or "rationale" in finding.message


def test_cec106_prerequisite_cycle(rules_copy: Path) -> None:
    """Services that require each other."""
    _edit(
        rules_copy / "services.yaml",
        "    handoff: Experienced team members train new teams in the same skills.",
        "    prerequisites: [instructional-teams]\n    handoff: Experienced team members train new teams.",
    )
    assert "prerequisite cycle" in _only(rules_copy, "CEC106")[0].message


def test_cec107_unknown_key(rules_copy: Path) -> None:
    """A misspelt key in a rule."""
    _edit(
        rules_copy / "step5-support.yaml",
        "    rationale: Principals become",
        "    rationnale: x\n    rationale: Principals become",
    )
    assert "unknown key 'rationnale'" in _only(rules_copy, "CEC107")[0].message


def test_cec201_unused_service(rules_copy: Path) -> None:
    """A catalogue service no rule can recommend."""
    path = rules_copy / "services.yaml"
    path.write_text(path.read_text() + UNUSED_SERVICE)
    assert "board-retreat is never recommended" in _only(rules_copy, "CEC201")[0].message


def test_cec202_tier_tie(rules_copy: Path) -> None:
    """Two rules of one tier concluding emphasis differently on the same facts, with a witness."""
    _add_rule(rules_copy, "K9-test-tie", "- culture.trust: low", "conclude: {emphasis: achievement}")
    finding = _only(rules_copy, "CEC202")[0]
    assert "K9-culture-low-trust and K9-test-tie in the same tier (direction)" in finding.message
    assert finding.witness == {"culture.trust": "low"}


def test_cec203_never_true(rules_copy: Path) -> None:
    """A condition no valid case can meet (a group mean below 1)."""
    _add_rule(rules_copy, "K9-test-never", "- focus_on_learning.curriculum: {below: 1}", "recommend: [data-use]")
    finding = _only(rules_copy, "CEC203")[0]
    assert "K9-test-never can never fire" in finding.message and finding.witness is None


def test_cec204_subsumed(rules_copy: Path) -> None:
    """A narrower copy of a rule that concludes nothing more, with a witness where both fire."""
    _add_rule(
        rules_copy, "K9-test-narrow", "- anchors.relationship: adversarial", "recommend: [interest-based-bargaining]"
    )
    finding = _only(rules_copy, "CEC204")[0]
    assert "K9-test-narrow is subsumed by K3-adversarial-relationship" in finding.message
    assert finding.witness == {"anchors.relationship": "adversarial"}


def test_cec205_conflict(rules_copy: Path) -> None:
    """Two rules (different tiers) concluding plan type differently on the same facts, confirmed by the engine."""
    _add_rule(rules_copy, "K9-test-conflict", "- culture.trust: low", "conclude: {plan_type: support}", tier="delivery")
    finding = _only(rules_copy, "CEC205")[0]
    assert "K10-culture-means-transformation" not in finding.message or "K9-test-conflict" in finding.message
    assert finding.witness is not None


def test_a_missing_folder_exits_2() -> None:
    """`lint` of a folder that does not exist is a usage error: exit 2."""
    assert CliRunner().invoke(main, ["lint", "/no/such/folder"]).exit_code == 2


CODE_LITERAL = re.compile(r"CEC[0-9]{3}")
SEARCHED = [
    ROOT / "README.md",
    *sorted((ROOT / "cec_advisor").rglob("*.py")),
    *sorted((ROOT / "tests").glob("*.py")),
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted((ROOT / "rules").glob("*.yaml")),
]


@pytest.mark.parametrize("path", SEARCHED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_named_anywhere_is_registered(path: Path) -> None:
    """A check code written in the package, its tests, the README or the docs is one the registry holds."""
    unknown = sorted(set(CODE_LITERAL.findall(path.read_text(encoding="utf-8"))) - set(CHECKS) - {"CEC999"})
    assert unknown == [], f"codes not in cec_advisor/verify/lintcodes.py: {unknown}"


@pytest.mark.parametrize("check", CHECKS.values(), ids=lambda c: c.code)
def test_every_check_has_its_fixture_test(check: Check) -> None:
    """Each registered code has a test here named after it (test_cecNNN_...) that makes the check find it."""
    assert any(name.startswith(f"test_{check.code.lower()}_") for name in globals()), check.code


@pytest.mark.parametrize("check", CHECKS.values(), ids=lambda c: c.code)
def test_every_check_is_run_by_its_registered_function(check: Check) -> None:
    """A CEC2xx check names a lint function that runs it; a CEC1xx code (a load error) names none."""
    functions = check_functions([check.code]) if check.code in CHOOSABLE else []
    assert [f.__name__ for f in functions] == ([check.function] if check.code in CHOOSABLE else [])
    assert (check.function is None) == check.code.startswith(LOAD_PREFIX)


def test_readme_table_of_codes_is_the_registry() -> None:
    """The README's table of lint codes is the one the registry generates (regenerate it with markdown_table())."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("| code | check |")
    assert text[start : start + len(markdown_table())] == markdown_table(), markdown_table()
    rest = text[start + len(markdown_table()) :]
    assert not rest.startswith("| CEC"), "the README lists a code the registry does not"


def test_help_lists_every_code_with_its_title() -> None:
    """`lint --help` lists each registered code with its title, in code order."""
    shown = CliRunner().invoke(main, ["lint", "--help"]).stdout
    places = [shown.index(f"{check.code}  {check.title}") for check in CHECKS.values()]
    assert places == sorted(places)


@pytest.mark.parametrize("check", CHECKS.values(), ids=lambda c: c.code)
def test_ci_reports_title_each_finding_by_its_check(check: Check) -> None:
    """GitHub annotations and SARIF name a finding's check by its registered code and title."""
    finding = Finding(check.code, "rules/x.yaml", 3, "m")
    assert f"title={check.code} {check.title}::m" in github_annotations([finding]).replace("%3A", ":")
    log = json.loads(sarif([finding]))["runs"][0]
    rule = log["tool"]["driver"]["rules"][log["results"][0]["ruleIndex"]]
    assert rule["id"] == check.code and rule["shortDescription"]["text"] == check.title


def test_a_folder_that_is_not_a_rule_base_exits_2(tmp_path: Path) -> None:
    """`lint cases/` (a folder, but no rule base) is bad input like a missing folder: exit 2, one line."""
    result = CliRunner().invoke(main, ["lint", str(CASES)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {CASES}: not a rule base: it holds neither decisions.yaml nor services.yaml\n"


def _never_true_rule(rules: Path, comment: str = "") -> None:
    """Add K9-test-never, a rule no case can fire (CEC203), with ``comment`` on its id line."""
    _add_rule(rules, f"K9-test-never{comment}", "- focus_on_learning.curriculum: {below: 1}", "recommend: [data-use]")


def test_noqa_on_the_id_line_suppresses_that_code_only(rules_copy: Path) -> None:
    """`# noqa: CEC203` on a rule's id line hides its CEC203 finding; another code's noqa does not."""
    _never_true_rule(rules_copy, "  # noqa: CEC204")
    assert [f.code for f in lint(rules_copy, select=["CEC203"])] == ["CEC203"]
    _edit(rules_copy / "step3-direction.yaml", "# noqa: CEC204", "# noqa: CEC204, CEC203")
    assert lint(rules_copy, select=["CEC203"]) == []
    result = CliRunner().invoke(main, ["lint", str(rules_copy), "--select", "CEC203"])
    assert result.exit_code == 0 and "No findings." in result.stdout


def test_noqa_on_a_service_line_suppresses_cec201(rules_copy: Path) -> None:
    """CEC201 points at the service's id line in services.yaml, where a noqa comment suppresses it."""
    path = rules_copy / "services.yaml"
    path.write_text(path.read_text() + UNUSED_SERVICE)
    (finding,) = lint(rules_copy, select=["CEC201"])
    assert finding.line == path.read_text().splitlines().index("  - id: board-retreat") + 1
    _edit(path, "  - id: board-retreat", "  - id: board-retreat  # noqa: CEC201")
    assert lint(rules_copy, select=["CEC201"]) == []


def test_select_and_ignore_choose_the_checks(rules_copy: Path) -> None:
    """--select runs only the codes chosen; --ignore leaves codes out; a bad code is a usage error (exit 2)."""
    _never_true_rule(rules_copy)
    chosen = CliRunner().invoke(main, ["lint", str(rules_copy), "--select", "CEC203", "-f", "json"])
    assert chosen.exit_code == 1 and [f["code"] for f in json.loads(chosen.stdout)] == ["CEC203"]
    ignored = CliRunner().invoke(main, ["lint", str(rules_copy), "--select", "CEC201,CEC203", "--ignore", "CEC203"])
    assert ignored.exit_code == 0 and "No findings." in ignored.stdout
    bad = CliRunner().invoke(main, ["lint", str(rules_copy), "--ignore", "CEC999"])
    assert bad.exit_code == 2 and "'CEC999' matches no check code" in bad.stderr
    loading = CliRunner().invoke(main, ["lint", str(rules_copy), "--ignore", "CEC1"])
    assert loading.exit_code == 2 and "CEC1xx findings (a rule base that does not load) are always reported" in (
        loading.stderr
    )


def test_pyproject_chooses_the_rules_and_the_checks(
    rules_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[tool.cec-advisor] in the nearest pyproject.toml gives lint its rules folder and select / ignore."""
    _never_true_rule(rules_copy)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cec-advisor]\nrules = "rules"\n\n[tool.cec-advisor.lint]\nselect = ["CEC203"]\n'
    )
    work = tmp_path / "sub" / "folder"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    result = CliRunner().invoke(main, ["lint", "-f", "json"])
    assert result.exit_code == 1, result.output
    assert [(f["code"], Path(f["file"]).name) for f in json.loads(result.stdout)] == [
        ("CEC203", "step3-direction.yaml")
    ]
    assert CliRunner().invoke(main, ["lint", "--select", "CEC201"]).exit_code == 0  # the option wins
    (tmp_path / "pyproject.toml").write_text('[tool.cec-advisor]\nrules = "rules"\nlint = {ignore = ["CEC203"]}\n')
    assert CliRunner().invoke(main, ["lint", "--select", "CEC201,CEC203"]).exit_code == 0


def test_github_annotations(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--format github prints one ::error workflow command per finding, file relative to the checkout, escaped."""
    _never_true_rule(rules_copy)
    monkeypatch.chdir(rules_copy.parent)
    result = CliRunner().invoke(main, ["lint", "rules", "--select", "CEC203", "-f", "github"])
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith("::error file=rules/step3-direction.yaml,line=")
    assert ",title=CEC203 condition that can never be true::K9-test-never can never fire" in line
    odd = Finding("CEC201", "a,b:c.yaml", None, "50% done\nnext line")
    assert github_annotations([odd]) == (
        "::error file=a%2Cb%3Ac.yaml,title=CEC201 service no rule can recommend::50%25 done%0Anext line\n"
    )


def test_sarif_log(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--format sarif writes a SARIF 2.1.0 log: every check code a rule of the driver, each result at file and line."""
    _never_true_rule(rules_copy)
    monkeypatch.chdir(rules_copy.parent)
    result = CliRunner().invoke(main, ["lint", "rules", "--select", "CEC203", "-f", "sarif"])
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cec-advisor" and [r["id"] for r in driver["rules"]] == list(CHECKS)
    (found,) = run["results"]
    assert found["ruleId"] == "CEC203" and driver["rules"][found["ruleIndex"]]["id"] == "CEC203"
    assert "K9-test-never can never fire" in found["message"]["text"]
    place = found["locations"][0]["physicalLocation"]
    assert place["artifactLocation"] == {"uri": "rules/step3-direction.yaml", "uriBaseId": "%SRCROOT%"}
    text = (rules_copy / "step3-direction.yaml").read_text().splitlines()
    assert "K9-test-never" in text[place["region"]["startLine"] - 1]
    outside = json.loads(sarif([Finding("CEC201", "/elsewhere/services.yaml", None, "x")]))
    location = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "file:///elsewhere/services.yaml"}}


def test_witnesses_start_from_the_rule_cases_base() -> None:
    """lint's and gaps' neutral witness case is tests/rule_cases/_base.yaml, with the witness's own id and name."""
    base = yaml.safe_load((RULE_CASES / "_base.yaml").read_text(encoding="utf-8"))
    assert neutral_case() == {**base, "id": "witness", "name": "Witness case"}
    assert case_from_data(neutral_case(), Locator("neutral")).id == "witness"
