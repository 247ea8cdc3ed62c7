"""Plain English for the district: every value has a reader's phrase, every rule text reads for every value it
can be filled with, and the Markdown and HTML plans show no engine internals."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.model.scales import UNKNOWN, Scalar, one_of, yaml_word
from cec_advisor.model.wording import (
    DECISION_LABELS,
    DECISION_PHRASES,
    FACT_LABELS,
    FACT_PHRASES,
    decision_phrase,
    label,
    phrase,
    plain_word,
)
from cec_advisor.render.html import render_html
from cec_advisor.render.markdown import render_markdown
from cec_advisor.rulebase.model import ELEMENT_DECISION, SERVICE_DECISION, Rule, RuleBase
from cec_advisor.rulebase.semantics import fill_placeholders, holds

from .conftest import CASES, SAMPLE_CASES

PLACEHOLDER = re.compile(r"\{([a-zA-Z0-9_.]+)\}")
SAME_AS_VALUE = frozenset(
    {
        # Values that are already plain English where a phrase is expected ("trust is mixed").
        "absent",
        "accomplished",
        "adversarial",
        "collaborative",
        "cooperative",
        "current",
        "curriculum",
        "assessment",
        "differentiation",
        "declining",
        "developing",
        "effective",
        "established",
        "flat",
        "functioning",
        "high",
        "improving",
        "industrial",
        "low",
        "mixed",
        "moderate",
        "partial",
        "poor",
        "professional",
        "signed",
        "strained",
        "strong",
        "struggling",
        "weak",
    }
)
"""Raw values allowed to stand as their own phrase; anything else ("none", "informal", "true") must be reworded."""
NUMBER_SAMPLES = (1, 1.33, 2, 2.49, 2.5, 3, 3.49, 3.5, 4)


def _domain(path: str, rulebase: RuleBase) -> list[Scalar]:
    """Every value a fact path or decision can take (samples for real-valued facts), ``unknown`` included."""
    if path == SERVICE_DECISION:
        return list(rulebase.catalogue.ids)
    if path == ELEMENT_DECISION:
        return ["student-learning", "pedagogy", "profession", "labor-management"]
    if path in rulebase.decisions:
        return list(rulebase.decisions[path].values)
    scale = FACT_SCALES[path]
    values: list[Scalar]
    if scale.kind == "number":
        values = list(NUMBER_SAMPLES)
    elif scale.kind == "service":
        values = list(rulebase.catalogue.ids)
    elif scale.kind == "code":
        values = ["IL", "NY"]
    else:
        values = list(scale.known_values())
    return values + ([] if scale.required else [UNKNOWN])


def _every_value(rulebase: RuleBase) -> Iterator[tuple[str, Scalar]]:
    for path in FACT_SCALES:
        for value in _domain(path, rulebase):
            yield path, value
    for decision in [*rulebase.decisions, SERVICE_DECISION, ELEMENT_DECISION]:
        for value in _domain(decision, rulebase):
            yield decision, value


def _reads_as_english(words: str, raw: Scalar) -> list[str]:
    """What is wrong with ``words`` as the phrase for the value ``raw`` (empty when nothing is)."""
    problems = []
    if not words.strip():
        problems.append("empty phrase")
    if "_" in words or "{" in words or "}" in words:
        problems.append("engine characters")
    if re.search(r"\b(unknown|undetermined|None|True|False|true|false)\b", words):
        problems.append("a raw engine word")
    if isinstance(raw, str) and words == raw and raw not in SAME_AS_VALUE and not raw.isupper():
        problems.append("the raw value stands alone")
    return problems


def test_every_value_of_every_scale_and_decision_has_a_reader_phrase(advisor: Advisor) -> None:
    """phrase() gives every value (unknown, booleans, ratings, services included) words a superintendent reads."""
    problems = []
    for path, value in _every_value(advisor.rulebase):
        words = phrase(path, value, advisor.rulebase.catalogue.names)
        problems += [f"{path}={value!r} -> {words!r}: {p}" for p in _reads_as_english(words, value)]
    assert not problems, "\n".join(problems)


def test_every_enumerated_value_is_in_the_phrase_table(advisor: Advisor) -> None:
    """Each value of each enumerated or yes/no fact and of each decision has its own entry: nothing falls back."""
    missing = []
    for path, scale in FACT_SCALES.items():
        if scale.kind in ("enum", "bool"):
            table = FACT_PHRASES.get(path, {})
            missing += [f"{path}={v!r}" for v in _domain(path, advisor.rulebase) if not one_of(v, table)]
    for decision in advisor.rulebase.decisions.values():
        table = DECISION_PHRASES.get(decision.id, {})
        missing += [f"{decision.id}={v!r}" for v in decision.values if not one_of(v, table)]
    assert not missing, missing


def test_every_fact_path_and_decision_has_a_label(advisor: Advisor) -> None:
    """Open questions name facts and decisions in words: a label for each, with no path or id in it."""
    named = [*FACT_SCALES, *advisor.rulebase.decisions, SERVICE_DECISION, ELEMENT_DECISION]
    unlabelled = [n for n in named if n not in FACT_LABELS and n not in DECISION_LABELS]
    assert not unlabelled, unlabelled
    for name in named:
        assert "_" not in label(name) and "." not in label(name).rstrip("."), (name, label(name))


def test_phrases_for_the_examples_a_reader_asked_for() -> None:
    """The wording the brief asked for, and ratings as "n of 4"."""
    assert phrase("anchors.board.commitment", "none") == "refuses to take part"
    assert phrase("anchors.union.commitment", "exploring") == "only exploring"
    assert phrase("anchors.union.commitment", "informal") == "agreed informally"
    assert phrase("anchors.union.commitment", "formal") == "formally committed"
    assert phrase("anchors.union.commitment", UNKNOWN) == "not yet known"
    assert phrase("anchors.relationship", "adversarial") == "adversarial"
    assert phrase("culture.trust", "mixed") == "mixed"
    assert phrase("achievement.systemic_failure", True) == "shows systemic organisational failure"
    assert phrase("focus_on_learning.G", 2) == "rated 2 of 4 (beginning)"
    assert phrase("focus_on_learning.curriculum", 1.67) == "rated 1.67 of 4 on average"
    assert phrase("request.deadline_months", 4) == "4 months"


def _admissible(rule: Rule, path: str, rulebase: RuleBase) -> list[Scalar]:
    """The values ``path`` can have when ``rule`` fires: its domain narrowed by the rule's tests of it."""
    values = _domain(path, rulebase)
    if path in rulebase.decisions or path in (SERVICE_DECISION, ELEMENT_DECISION):
        for test in rule.when.decisions:
            if test.decision == path and not test.negated:
                values = [v for v in values if one_of(v, test.values)]
        return values
    for fact_test in rule.when.facts:
        if fact_test.path == path:
            values = [v for v in values if holds(fact_test, v)]
    for group in rule.when.any_groups:
        values = [v for v in values if any(all(holds(t, v) for t in option if t.path == path) for option in group)]
    return values


def _fillings(rule: Rule, text: str, rulebase: RuleBase) -> Iterator[tuple[dict[str, Scalar], str]]:
    paths = list(dict.fromkeys(PLACEHOLDER.findall(text)))
    choices = [_admissible(rule, p, rulebase) for p in paths]
    for combination in itertools.product(*choices):
        facts = dict(zip(paths, combination, strict=True))
        yield facts, fill_placeholders(text, facts, rulebase.catalogue.names)


def test_every_rule_text_reads_for_every_value_its_placeholders_can_take(advisor: Advisor) -> None:
    """Each because and warn, filled with every value its rule lets each placeholder take, has no raw value,
    no bare "unknown", no "None", no "{" and no "_" left."""
    rulebase = advisor.rulebase
    problems: list[str] = []
    filled = 0
    for rule in rulebase.rules:
        for name, text in (("because", rule.because), ("warn", (rule.then.warn or "").strip())):
            if not text:
                continue
            for facts, words in _fillings(rule, text, rulebase):
                filled += 1
                where = f"{rule.id}.{name} with {facts}: {words}"
                if re.search(r"[{}_]|\bNone\b(?! of)|\bunknown\b|\bundetermined\b|\btrue\b|\bfalse\b", words):
                    problems.append(where)
                if re.search(r"\b(\w+(?: \w+)+) \1\b", words):  # "of 4 of 4", "the state average the state average"
                    problems.append(f"a phrase said twice in {where}")
                for path, value in facts.items():
                    raw = str(value)
                    if isinstance(value, (int, float)) or raw in SAME_AS_VALUE:
                        continue
                    pattern = rf"(?<![\w-]){re.escape(raw)}(?![\w-])"
                    allowed = phrase(path, value, rulebase.catalogue.names) + " " + PLACEHOLDER.sub("", text)
                    if re.search(pattern, words) and not re.search(pattern, allowed):
                        problems.append(f"raw {raw!r} in {where}")
    assert filled > 1000, "the placeholders were filled with every value they can take"
    assert not problems, "\n".join(problems[:20])


# ---------------------------------------------------------------- no internals in the district-facing body

DOTTED_PATH = re.compile(
    r"\b(anchors|structures|culture|achievement|focus_on_learning|request|grant|context|entry_points)\.[A-Za-z]"
)


def _markdown_body(text: str) -> str:
    """The Markdown a district reads: without the Mermaid block and the trace appendix, escapes removed."""
    text = re.sub(r"```mermaid\n.*?\n```", "", text, flags=re.DOTALL)
    text = text.split("## Appendix: how the advisor decided")[0]
    return text.replace("\\", "")


class _VisibleText(HTMLParser):
    """The text a reader sees, leaving out the style sheet, the path diagram (the Mermaid picture) and the trace."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.after_path = False
        self.in_trace = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ids = dict(attrs).get("id")
        if ids == "path":
            self.after_path = True
        if ids == "trace":
            self.in_trace = True
        if tag == "style" or (tag == "svg" and self.after_path):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" or (tag == "svg" and self.after_path):
            self.hidden -= 1
            if tag == "svg":
                self.after_path = False

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.in_trace:
            self.parts.append(data)


def _html_body(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


def _internals(text: str, rulebase: RuleBase) -> list[str]:
    found = [m.group(0) for m in DOTTED_PATH.finditer(text)]
    found += [path for path in FACT_SCALES if "." in path and path in text]
    for decision in [*rulebase.decisions, SERVICE_DECISION, ELEMENT_DECISION]:
        if "_" in decision and re.search(rf"\b{decision}\b", text):
            found.append(decision)
        if re.search(rf"`{decision}`|\*\*{decision}\*\*|\b{decision} = |\b{decision} cannot be settled", text):
            found.append(decision)
    return found


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_no_fact_paths_or_decision_ids_in_the_district_facing_text(advisor: Advisor, path: Path) -> None:
    """Markdown and HTML bodies name facts and decisions in words (rule ids stay as small citations)."""
    plan = advisor.plan_file(path)
    markdown = _markdown_body(render_markdown(plan, trace=True))
    html = _html_body(render_html(plan, trace=True))
    assert _internals(markdown, advisor.rulebase) == [], "Markdown"
    assert _internals(html, advisor.rulebase) == [], "HTML"


def test_the_check_finds_internals_in_the_old_open_questions(advisor: Advisor) -> None:
    """The check above does catch the old engine wording and a trace line."""
    old = "- **transformation_possible** cannot be settled yet: `anchors.union.commitment` unknown."
    assert _internals(old, advisor.rulebase)
    assert _internals("1. `K1-x` (Step 1): commitment = absent", advisor.rulebase)


def test_open_questions_are_sentences(advisor: Advisor) -> None:
    """An open question says what is not known, which service settles it and what it keeps open."""
    text = render_markdown(advisor.plan_file(CASES / "unknown-union.yaml"))
    assert (
        'Whether the union will commit is not yet known; service 2, Three-anchor commitment conversations ("agree '
        'to agree"), will settle it (this keeps open: the collaborative commitment, whether transformational '
        "change is possible yet and the emphasis)." in text
    )
    html = render_html(advisor.plan_file(CASES / "unknown-union.yaml"))
    assert "Whether the union will commit is not yet known" in html


@pytest.mark.parametrize("name", ["riverside-adversarial", "rockford-2014", "unknown-union"])
def test_values_read_as_words_in_the_plan(advisor: Advisor, name: str) -> None:
    """No reason or warning shows a raw value: commitments, ratings and unknowns are phrased."""
    text = _markdown_body(render_markdown(advisor.plan_file(CASES / f"{name}.yaml")))
    for raw in ("board: informal", "union: exploring", "union: unknown", "is none", "trend unknown", "= unknown"):
        assert raw not in text, raw
    assert not re.search(r"\b(far_below|sustained_growth|growth_oriented|very_accomplished)\b", text)


@pytest.mark.parametrize("name", ["riverside-adversarial", "rockford-2014"])
def test_each_delivery_modes_coaching_is_said_once(advisor: Advisor, name: str) -> None:
    """The coaching after each delivery mode is described once, in "How CEC delivers"; services list only modes."""
    plan = advisor.plan_file(CASES / f"{name}.yaml")
    assert plan.coaching_model
    for page in (render_markdown(plan), render_html(plan)):
        assert "How CEC delivers" in page
        for text in {t for s in plan.services for t in s.coaching}:
            assert page.count(text) == 1, text


def test_a_value_has_two_spellings_each_from_one_owner() -> None:
    """A value is spelt as YAML writes it (scales.yaml_word: true, far_below) or as a reader reads it (wording:
    phrase with its table, plain_word without it, yes / no for booleans, "not decided" for no value)."""
    assert (yaml_word(True), yaml_word("very_accomplished"), yaml_word(3)) == ("true", "very_accomplished", "3")
    assert (plain_word(True), plain_word(False), plain_word(None)) == ("yes", "no", "not decided")
    assert plain_word("very_accomplished") == "very accomplished" == phrase("readiness", "very_accomplished")
    assert (plain_word("support"), phrase("plan_type", "support")) == ("support", "support plan")
    assert decision_phrase("plan_type", None, True) == "not decided"
    assert decision_phrase("plan_type", "transformation", False) == "transformation plan, once all three anchors commit"
    assert decision_phrase("plan_type", "transformation", True) == "transformation plan"


VALUE_SPELLINGS = re.compile(r"""["'](true|yes)["'] if """)
"""A boolean spelt out by hand: ``"true" if value else "false"``, ``"yes" if ... else "no"``."""


def test_booleans_are_spelt_out_only_by_the_two_owners() -> None:
    """Only model/scales.py (YAML's true / false) and model/wording.py (a reader's yes / no) spell a boolean."""
    package = Path(__file__).resolve().parent.parent / "cec_advisor"
    spelling = sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py") if VALUE_SPELLINGS.search(path.read_text())
    )
    assert spelling == ["model/scales.py", "model/wording.py"]
