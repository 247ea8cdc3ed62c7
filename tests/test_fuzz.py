"""Fuzzing with a bounded budget: hostile case files and rule files give only the project's own errors.

Structurally valid documents (real sample cases and the real rule files) have
one node replaced by an adversarial value; raw bytes are thrown at the rule
loader. Loading may fail, but only with CaseFileError / RuleFileError; a rule
base that still loads must compile and plan a case, failing only with
CecError. Each example has a deadline, so a hang fails the test too.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cec_advisor.advisor import Advisor
from cec_advisor.errors import CaseFileError, CecError, RuleFileError
from cec_advisor.io.yamlsource import Locator, parse_yaml
from cec_advisor.model.case import case_from_data
from cec_advisor.rulebase.load import load_rulebase

from .conftest import CASES, RULES, SAMPLE_CASES

FUZZ = settings(deadline=5000, suppress_health_check=list(HealthCheck))
ADVERSARIAL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=300),
    st.sampled_from(["unknown", "", " ", "yes", "~", "K1", "{x}", "$nex", "id", "sid", "kind"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    st.just({"$or": [1, 2]}),
    st.just("x" * 5000),
)
SAMPLES = [yaml.safe_load(p.read_text()) for p in SAMPLE_CASES]
RULE_FILES = sorted(RULES.glob("*.yaml"))


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(document)
    target = copied
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return copied


@FUZZ
@given(st.sampled_from(range(len(SAMPLES))), st.data(), ADVERSARIAL)
def test_adversarial_case_files(advisor: Advisor, index: int, data: st.DataObject, value: Any) -> None:
    """A sample case with one node replaced loads or fails with CaseFileError; if it loads, it plans."""
    document = SAMPLES[index]
    path = data.draw(st.sampled_from(_paths(document)))
    mutated = _replace(document, path, value)
    try:
        raw = yaml.safe_dump(mutated, allow_unicode=True).encode()
    except (yaml.YAMLError, ValueError, OverflowError):
        return
    try:
        parsed = parse_yaml(raw, "fuzz.yaml", CaseFileError)
        case = case_from_data(parsed.data, parsed.locator, advisor.rulebase.catalogue.ids)
    except CaseFileError as exc:
        assert "\n" not in str(exc)
        return
    with contextlib.suppress(CecError):
        assert advisor.plan(case).services


@FUZZ
@given(st.sampled_from(RULE_FILES), st.data(), ADVERSARIAL)
def test_adversarial_rule_files(file: Path, data: st.DataObject, value: Any) -> None:
    """A rule file with one node replaced loads or fails with RuleFileError; if it loads, it compiles and plans."""
    document = yaml.safe_load(file.read_text())
    path = data.draw(st.sampled_from(_paths(document)))
    try:
        text = yaml.safe_dump(_replace(document, path, value), allow_unicode=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        return
    folder = Path(tempfile.mkdtemp(prefix="cec-fuzz-")) / "rules"
    try:
        shutil.copytree(RULES, folder)
        (folder / file.name).write_text(text, encoding="utf-8")
        try:
            load_rulebase(folder)
        except RuleFileError as exc:
            assert "\n" not in str(exc) and exc.code.startswith("CEC")
            return
        with contextlib.suppress(CecError):
            Advisor(folder).plan_file(CASES / "riverside-adversarial.yaml")
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_as_a_rule_file(raw: bytes) -> None:
    """Arbitrary bytes as a rule file give RuleFileError, never anything else."""
    folder = Path(tempfile.mkdtemp(prefix="cec-fuzz-")) / "rules"
    try:
        shutil.copytree(RULES, folder)
        (folder / "step5-support.yaml").write_bytes(raw)
        try:
            load_rulebase(folder)
        except RuleFileError as exc:
            assert "\n" not in str(exc)
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def test_locator_survives_odd_keys() -> None:
    """Keys of any text still yield one-line errors (a regression found by fuzzing)."""
    try:
        case_from_data(
            {"format": "cec-case/1", "id": "x", "name": "X", "level": "school", "a\nb)": 1}, Locator("odd.yaml")
        )
    except CaseFileError as exc:
        assert "\n" not in str(exc) and "unknown key" in str(exc)
