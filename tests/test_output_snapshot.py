"""The byte-identical output check of issue 13 (tests/output_snapshot.py) holds, and reports what it should."""

from __future__ import annotations

import json

import pytest

from .output_snapshot import SNAPSHOT, differences, snapshot

SLOW = ("why-not ",)
"""Labels left to the script (``python tests/output_snapshot.py check``): why-not searches, and alone takes ~25 s."""


@pytest.mark.snapshot
def test_outputs_identical_to_snapshot() -> None:
    """Every command's output on every sample case, but why-not's, hashes as recorded in tests/output_snapshot.json."""
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    labels = sorted(label for label in recorded if not label.startswith(SLOW))
    assert differences(recorded, snapshot(labels), labels) == []


def test_differences_name_each_changed_missing_and_new_output() -> None:
    """A changed hash, a subject no longer produced and a new one are each listed, with the command and subject."""
    recorded = {"plan": {"a.yaml": "1", "b.yaml": "2"}, "gone": {"-": "3"}}
    found = {"plan": {"a.yaml": "1", "b.yaml": "9", "c.yaml": "4"}}
    assert differences(recorded, found) == [
        "missing  gone  -",
        "changed  plan  b.yaml",
        "new      plan  c.yaml",
    ]


def test_differences_keep_to_the_chosen_commands() -> None:
    """With ``only``, recorded commands that were not run are not reported missing."""
    assert differences({"plan": {"a": "1"}, "why": {"a": "2"}}, {"plan": {"a": "1"}}, ["plan"]) == []
