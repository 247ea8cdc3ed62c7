"""The service catalogue (rules/services.yaml): a bad field is reported on that field, even in a list of one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.cli.main import main
from cec_advisor.errors import RuleFileError
from cec_advisor.rulebase.catalogue import load_catalogue

from .conftest import CASES, RULES

ONE_SERVICE = """  - id: local-union-system-assessment
    name: Local Union's System Assessment for Capacities and Needs
    summary: Assesses the local union's capacities and needs as a collaborative partner.
    step: 1
    element: labor-management
    delivery: [facilitating]
    handoff: The union repeats its own capacity self-assessment each year.
    owner: "the union's executive board"
    source: "002 Step 1"
"""


def _rules_with(tmp_path: Path, old: str, new: str, *, only_service: bool) -> tuple[Path, int]:
    """A copy of rules/ whose services.yaml has ``old`` replaced by ``new``; also the line ``new`` starts on.

    With ``only_service`` the catalogue keeps its header and coaching but holds a single service.
    """
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    services = folder / "services.yaml"
    text = services.read_text(encoding="utf-8")
    if only_service:
        text = text.split("\nservices:\n", 1)[0] + "\nservices:\n" + ONE_SERVICE
    assert old in text, f"fixture edit target not found: {old!r}"
    at = text.index(old)
    services.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return folder, text[:at].count("\n") + 1


# (old, new, field, words): edits of the shipped catalogue, whose second service has the single mode facilitating.
SHIPPED_EDITS = [
    ("delivery: [facilitating]", "delivery: [facilitate]", "services[1].delivery[0]", "'facilitate' is not allowed"),
    ("delivery: [facilitating]", "delivery: [7]", "services[1].delivery[0]", "7 is not allowed"),
    ("delivery: [facilitating]", "delivery: []", "services[1].delivery", "needs at least one item"),
]
# The same for a catalogue holding one service, so the services list itself has one item.
ONLY_SERVICE_EDITS = [
    ("delivery: [facilitating]", "delivery: [facilitate]", "services[0].delivery[0]", "'facilitate' is not allowed"),
    ("step: 1", "step: 9", "services[0].step", "less than or equal to 5"),
    ("element: labor-management", "element: labour", "services[0].element", "'labour' is not allowed"),
    ("id: local-union-system-assessment", "id: Local Union", "services[0].id", "does not match the pattern"),
    ("    summary: Assesses", "    colour: red\n    summary: Assesses", "services[0].colour", "unknown key 'colour'"),
]


@pytest.mark.parametrize(
    ("only_service", "old", "new", "field", "words"),
    [(False, *edit) for edit in SHIPPED_EDITS] + [(True, *edit) for edit in ONLY_SERVICE_EDITS],
)
def test_a_bad_field_in_a_list_of_one_is_reported_on_that_field(
    tmp_path: Path, only_service: bool, old: str, new: str, field: str, words: str
) -> None:
    """A service's only delivery mode, or the only service, that is bad is named at its line, not as an empty list."""
    rules, line = _rules_with(tmp_path, old, new, only_service=only_service)
    with pytest.raises(RuleFileError) as caught:
        load_catalogue(rules / "services.yaml")
    error = caught.value
    assert (error.file, error.line, error.field) == (str(rules / "services.yaml"), line, field)
    assert words in error.problem
    assert "Tuple" not in error.problem


def test_an_empty_services_list_needs_at_least_one_item(tmp_path: Path) -> None:
    """`services: []` is refused on the services key as needing at least one item."""
    rules, _ = _rules_with(tmp_path, ONE_SERVICE, "", only_service=True)
    services = rules / "services.yaml"
    services.write_text(services.read_text(encoding="utf-8").replace("\nservices:\n", "\nservices: []\n"))
    with pytest.raises(RuleFileError) as caught:
        load_catalogue(services)
    assert (caught.value.field, caught.value.problem) == ("services", "needs at least one item")
    assert caught.value.line == services.read_text().splitlines().index("services: []") + 1


@pytest.mark.parametrize(
    ("only_service", "old", "new", "field", "problem"),
    [
        (
            False,
            "delivery: [facilitating]",
            "delivery: [facilitate]",
            "services[1].delivery[0]",
            "'facilitate' is not allowed; expected 'training' | 'facilitating' | 'networking' | 'mentoring'",
        ),
        (True, "step: 1", "step: 9", "services[0].step", "Input should be less than or equal to 5"),
    ],
)
def test_a_bad_catalogue_field_is_one_line_and_exit_2_from_the_cli(
    tmp_path: Path, only_service: bool, old: str, new: str, field: str, problem: str
) -> None:
    """`plan --rules` with one bad delivery mode or one bad service field exits 2 with one line naming it."""
    rules, line = _rules_with(tmp_path, old, new, only_service=only_service)
    result = CliRunner().invoke(main, ["plan", str(CASES / "steady-district.yaml"), "--rules", str(rules)])
    assert result.exit_code == 2
    assert result.stderr == f"Error: {rules / 'services.yaml'}:{line}: {field}: {problem}\n"
