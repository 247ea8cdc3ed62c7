"""Case files: valid ones load, every kind of mistake is one located line with a hint."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

import cec_advisor
from cec_advisor.cli.main import main
from cec_advisor.errors import CaseFileError
from cec_advisor.io.validation import StrictModel
from cec_advisor.model.case import INDICATORS, FocusOnLearning, parse_case
from cec_advisor.model.scales import UNKNOWN, one_of, same_value
from cec_advisor.model.wording import INDICATOR_NAMES

MINIMAL = b"format: cec-case/1\nid: tiny\nname: Tiny\nlevel: school\n"


def _error(extra: str, base: bytes = MINIMAL) -> CaseFileError:
    with pytest.raises(CaseFileError) as caught:
        parse_case(base + extra.encode(), "c.yaml", ["slo-training", "data-use"])
    return caught.value


def test_minimal_case_defaults_to_unknown() -> None:
    """Only the required keys are needed; every other scalar is unknown."""
    case = parse_case(MINIMAL, "c.yaml")
    assert case.anchors.board.commitment == UNKNOWN
    assert case.context.capacity == UNKNOWN
    assert case.focus_on_learning is None
    assert case.anchors.union.kind == "union"


def test_unknown_key_suggests_the_nearest() -> None:
    """A misspelt key is refused at its line with the nearest valid key."""
    error = _error("anchors:\n  relashionship: adversarial\n")
    assert error.line == 6
    assert error.field == "anchors.relashionship"
    assert "did you mean 'relationship'?" in str(error)


def test_unknown_key_without_close_match_lists_allowed_keys() -> None:
    """When nothing is close, the allowed keys are listed."""
    error = _error("grant:\n  zzz: true\n")
    assert "allowed keys: sig" in str(error)


def test_value_outside_scale_lists_allowed_values() -> None:
    """A value outside its scale names the field and every allowed value."""
    error = _error("culture:\n  trust: medium\n")
    assert error.line == 6
    assert str(error) == "c.yaml:6: culture.trust: 'medium' is not allowed; expected low | mixed | high | unknown"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("focus_on_learning: {A: 5}\n", "focus_on_learning.A"),
        ("focus_on_learning: {A: true}\n", "focus_on_learning.A"),
        ("focus_on_learning: {A: '3'}\n", "focus_on_learning.A"),
        ("grant: {sig: 1}\n", "grant.sig"),
        ("grant: {sig: 'yes'}\n", "grant.sig"),
        ("context: {capacity: 0}\n", "context.capacity"),
        ("context: {capacity: 2.5}\n", "context.capacity"),
        ("state: Illinois\n", "state"),
        ("entry_points: [walk_in]\n", "entry_points[0]"),
        ("entry_points: [district_request, district_request]\n", "entry_points"),
        ("anchors: [board]\n", "anchors"),
    ],
)
def test_type_mistakes_are_refused(extra: str, field: str) -> None:
    """Wrong types are not coerced: true is not 1, '3' is not 3, a list is not a mapping."""
    assert _error(extra).field == field


def test_missing_required_key() -> None:
    """A missing required key is named."""
    error = _error("", base=b"format: cec-case/1\nid: x\nlevel: school\n")
    assert error.field == "name"
    assert "required" in str(error)


def test_wrong_format_version() -> None:
    """Another format version is refused with the one expected."""
    error = _error("", base=b"format: cec-case/2\nid: x\nname: X\nlevel: school\n")
    assert error.line == 1
    assert "expected cec-case/1" in str(error)


def test_bad_id() -> None:
    """Ids follow the documented pattern."""
    error = _error("", base=b"format: cec-case/1\nid: Bad Id\nname: X\nlevel: school\n")
    assert error.field == "id"


def test_request_must_name_a_catalogue_service() -> None:
    """A requested service outside the catalogue is refused with a suggestion."""
    error = _error("request:\n  service: slo-trainin\n")
    assert error.field == "request.service"
    assert "did you mean 'slo-training'?" in str(error)


@pytest.mark.parametrize("raw", [b"- a\n- b\n", b"just text\n", b"42\n"])
def test_top_level_must_be_a_mapping(raw: bytes) -> None:
    """A list or a scalar document is refused."""
    with pytest.raises(CaseFileError, match="must be a mapping"):
        parse_case(raw, "c.yaml")


def test_names_keep_any_text(tmp_path: Path) -> None:
    """Free-text names keep Unicode and markup characters as they are."""
    case = parse_case(MINIMAL.replace(b"name: Tiny", "name: 'École <b>&</b>'".encode()), "c.yaml")
    assert case.name == "École <b>&</b>"


@pytest.mark.parametrize(
    ("extra", "line", "field", "word"),
    [
        ("state: NO\n", 5, "state", "NO"),
        ("grant:\n  sig: yes\n", 6, "grant.sig", "yes"),
        ("anchors:\n  interest_based_experience: On\n", 6, "anchors.interest_based_experience", "On"),
    ],
)
def test_yaml11_boolean_words_in_a_case_file_are_one_located_error(
    tmp_path: Path, extra: str, line: int, field: str, word: str
) -> None:
    """`plan` on a case file with an unquoted yes / no / on / off exits 2 with one line naming file, line and field."""
    case = tmp_path / "c.yaml"
    case.write_bytes(MINIMAL + extra.encode())
    result = CliRunner().invoke(main, ["plan", str(case)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {case}:{line}: {field}: '{word}' reads as a boolean in YAML 1.1; "
        "write true or false, or quote it if you meant the text\n"
    )


def test_quoted_yes_is_text_and_true_is_a_boolean() -> None:
    """A quoted 'yes' is text (refused by a yes/no fact's scale, as any text is); true is the boolean."""
    assert _error("grant: {sig: 'yes'}\n").problem.startswith("'yes' is not allowed; expected true | false")
    assert parse_case(MINIMAL + b"grant: {sig: TRUE}\n", "c.yaml").grant.sig is True


def test_values_compare_with_their_type() -> None:
    """same_value and one_of keep True apart from 1 and 1 from 1.0, as case and rule files do."""
    assert same_value("low", "low") and same_value(3, 3) and same_value(True, True)
    assert not same_value(True, 1) and not same_value(1, 1.0) and not same_value("3", 3)
    assert one_of(2, (True, 2.0, 2)) and not one_of(1, (True, 1.0, "1"))


def test_indicator_letters_are_declared_once() -> None:
    """The indicators derived from INDICATOR_GROUPS run A to P and are FocusOnLearning's fields and names."""
    assert "".join(INDICATORS) == "ABCDEFGHIJKLMNOP"
    assert tuple(FocusOnLearning.model_fields) == INDICATORS
    assert tuple(INDICATOR_NAMES) == INDICATORS


def test_every_model_of_a_file_is_strict() -> None:
    """Every pydantic model in the package derives from StrictModel: unknown keys are refused, values frozen."""
    names = [m.name for m in pkgutil.walk_packages(cec_advisor.__path__, "cec_advisor.")]
    modules = [importlib.import_module(name) for name in names if not name.endswith("__main__")]
    models = [
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module.__name__
    ]
    assert len(models) > 20
    assert [m.__qualname__ for m in models if not issubclass(m, StrictModel)] == []
