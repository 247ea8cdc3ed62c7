"""Hypothesis strategies for valid case files, shared by the tests and ``cec-advisor generate``.

:func:`case_data` draws a valid ``cec-case/1`` document anywhere in the fact
space; :func:`generate_cases` turns it into a deterministic corpus (same count
and seed, same cases) for coverage, gap analysis and load runs.

This is the package's one importer of Hypothesis, an optional extra
(``pip install 'cec-advisor[testers]'``): without it, importing this module
raises a one-line :class:`~cec_advisor.errors.UserError` saying so.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from cec_advisor.errors import UserError

HYPOTHESIS_MISSING = (
    "generate and gaps need Hypothesis, which is not installed; install it with: pip install 'cec-advisor[testers]'"
)

try:
    from hypothesis import strategies as st
except ImportError:  # the optional extra is left out of a consultant's install
    raise UserError(HYPOTHESIS_MISSING) from None

from cec_advisor.model.case import ENTRY_POINTS, INDICATORS, Case  # noqa: E402 (after the check that Hypothesis is there)
from cec_advisor.model.facts import FACT_SCALES  # noqa: E402
from cec_advisor.model.scales import UNKNOWN, Scale  # noqa: E402

SERVICES_REQUESTABLE = ("slo-training", "teacher-evaluation", "data-use", "leadership-coaching", "strategic-planning")
STATES = ("IL", "WI", "OH", "TX")


def _value(scale: Scale) -> st.SearchStrategy[Any]:
    known: st.SearchStrategy[Any] = st.sampled_from(scale.known_values()) if scale.known_values() else st.nothing()
    return st.one_of(known, st.just(UNKNOWN)) if not scale.required else known


def _field(path: str) -> st.SearchStrategy[Any]:
    """Values for one case field: its scale's values, ``unknown``, or left out (``None``)."""
    return st.one_of(st.none(), _value(FACT_SCALES[path]))


def _block(prefix: str, names: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({name: _field(f"{prefix}.{name}") for name in names}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


@st.composite
def case_data(draw: st.DrawFn, identity: bool = True) -> dict[str, Any]:
    """A valid ``cec-case/1`` document as plain data, anywhere in the fact space.

    With ``identity`` the id and the name (any Unicode) are drawn too; otherwise
    they are placeholders for the caller to set (faster for large corpora).
    """
    anchors = draw(_block("anchors", ["written_agreement", "relationship", "interest_based_experience"]))
    anchors["board"] = draw(_block("anchors.board", ["commitment"]))
    anchors["administration"] = draw(_block("anchors.administration", ["commitment"]))
    anchors["union"] = draw(_block("anchors.union", ["commitment", "frame"]))
    data: dict[str, Any] = {
        "format": "cec-case/1",
        "id": draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)) if identity else "generated",
        "name": draw(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != "")) if identity else "Generated",
        "level": draw(st.sampled_from(["district", "school"])),
        "state": draw(st.sampled_from([*STATES, UNKNOWN])),
        "entry_points": draw(st.lists(st.sampled_from(ENTRY_POINTS), unique=True, max_size=4)),
        "anchors": anchors,
        "structures": draw(
            _block(
                "structures",
                [
                    "district_leadership_team",
                    "school_leadership_teams",
                    "instructional_teams",
                    "partnership_council",
                    "team_skills",
                ],
            )
        ),
        "culture": draw(_block("culture", ["trust", "distributed_leadership", "leadership_turnover"])),
        "achievement": draw(
            _block("achievement", ["status", "trend", "history_of_low_achievement", "systemic_failure"])
        ),
        "grant": draw(_block("grant", ["sig"])),
        "context": draw(_block("context", ["strategic_plan", "whole_child_needs", "capacity", "teacher_evaluation"])),
    }
    if draw(st.booleans()):
        data["focus_on_learning"] = draw(_block("focus_on_learning", list(INDICATORS)))
    if draw(st.booleans()):
        request: dict[str, Any] = {"service": draw(st.sampled_from(SERVICES_REQUESTABLE))}
        months = draw(st.one_of(st.none(), st.integers(0, 120)))
        if months is not None:
            request["deadline_months"] = months
        data["request"] = request
    return data


def case_file_bytes(data: dict[str, Any]) -> bytes:
    """Serialise case data as YAML bytes, the way a user would write it."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


POOL = 2_000
"""Cases drawn through Hypothesis per corpus; larger corpora recombine their blocks (Hypothesis costs ~13 ms a case)."""

_BLOCKS = tuple(name for name in Case.model_fields if name not in ("format", "id", "name"))


def generate_cases(
    count: int, seed: int, *, progress: Callable[[int, int], None] | None = None
) -> list[dict[str, Any]]:
    """``count`` valid, varied case documents drawn from :func:`case_data`, reproducible for a given seed.

    The first :data:`POOL` are drawn by Hypothesis; beyond that each case takes
    every top-level block from a randomly chosen drawn case (seeded), which
    keeps cases valid and varied at a fraction of the cost. Ids are
    ``gen-<seed>-<n>`` so a corpus never repeats an id. ``progress(steps, total)``
    hears of each case Hypothesis draws (the slow part; ``total`` is ``min(count, POOL)``).
    """
    import random

    drawn = _draw(min(count, POOL), seed, progress)
    chooser = random.Random(seed)
    cases = list(drawn)
    while len(cases) < count and drawn:
        mixed: dict[str, Any] = {"format": "cec-case/1"}
        for block in _BLOCKS:
            source = chooser.choice(drawn)
            if block in source:
                mixed[block] = source[block]
        cases.append(mixed)
    width = len(str(max(count - 1, 0)))
    named = []
    for number, data in enumerate(cases):
        named.append(
            {
                "format": "cec-case/1",
                "id": f"gen-{seed}-{number:0{width}d}",
                "name": f"Generated case {number} (seed {seed})",
                **{k: v for k, v in data.items() if k not in ("format", "id", "name")},
            }
        )
    return named


@contextmanager
def _storage_outside_the_working_folder() -> Iterator[None]:
    """Point Hypothesis's storage (its caches, by default ``./.hypothesis``) at a temporary folder, then back.

    A draw here keeps no example database (``database=None``), but Hypothesis
    still caches what it learns of the code in its storage folder, which would
    otherwise appear in whatever folder ``generate`` or ``gaps`` runs in. The
    caches do not make a later draw faster, so a folder deleted afterwards loses nothing.
    """
    from hypothesis.configuration import set_hypothesis_home_dir, storage_directory

    previous = storage_directory(intent_to_write=False).home_directory
    with tempfile.TemporaryDirectory(prefix="cec-advisor-hypothesis-") as folder:
        set_hypothesis_home_dir(Path(folder))
        try:
            yield
        finally:
            set_hypothesis_home_dir(previous)


def _draw(count: int, seed: int, progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """``count`` documents drawn by Hypothesis from :func:`case_data`, deterministic for ``seed``."""
    if count <= 0:
        return []
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as fixed_seed

    drawn: list[dict[str, Any]] = []

    @fixed_seed(seed)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case_data(identity=False))
    def draw(data: dict[str, Any]) -> None:
        if len(drawn) < count:
            drawn.append(data)
            if progress is not None:
                progress(1, count)

    with _storage_outside_the_working_folder():
        while len(drawn) < count:
            before = len(drawn)
            draw()
            if len(drawn) == before:
                break
    return drawn
