"""generate: valid, varied, reproducible case files, and a folder that holds exactly this corpus."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cec_advisor.cli.main import main
from cec_advisor.verify.strategies import generate_cases


def test_generate_is_valid_varied_and_reproducible(tmp_path: Path) -> None:
    """Generated corpora validate, have unique ids, vary, and repeat exactly for the same seed."""
    first, second = generate_cases(40, 5), generate_cases(40, 5)
    assert first == second and generate_cases(40, 6) != first
    assert len({c["id"] for c in first}) == 40
    assert len({str(c.get("culture")) for c in first}) > 5
    out = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["generate", "--count", "25", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0 and len(list(out.glob("*.yaml"))) == 25
    assert CliRunner().invoke(main, ["validate", *map(str, sorted(out.glob("*.yaml")))]).exit_code == 0


def test_generate_refuses_a_seed_whose_ids_could_not_validate(tmp_path: Path) -> None:
    """A seed beyond 2**32-1 is refused (its gen-<seed>-<n> ids would pass 64 characters); the largest works."""
    huge = str(10**70)
    refused = CliRunner().invoke(main, ["generate", "--count", "1", "--seed", huge, "--out", str(tmp_path / "a")])
    assert refused.exit_code == 2 and "--seed" in refused.output
    out = tmp_path / "b"
    made = CliRunner().invoke(main, ["generate", "--count", "2", "--seed", str(2**32 - 1), "--out", str(out)])
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(main, ["validate", *map(str, sorted(out.glob("*.yaml")))])
    assert checked.exit_code == 0, checked.output


def test_drawing_cases_restores_hypothesis_storage() -> None:
    """A draw borrows a temporary storage folder and gives Hypothesis its own back (the test suite's database)."""
    from hypothesis.configuration import storage_directory

    before = storage_directory(intent_to_write=False).home_directory
    generate_cases(3, 11)
    assert storage_directory(intent_to_write=False).home_directory == before


def test_generate_removes_the_files_of_an_earlier_generate(tmp_path: Path) -> None:
    """A smaller corpus into an old folder leaves exactly the new files; the user's own files stay, and are counted."""
    out = tmp_path / "corpus"
    assert CliRunner().invoke(main, ["generate", "--count", "12", "--seed", "3", "--out", str(out)]).exit_code == 0
    (out / "mine.yaml").write_text("format: cec-case/1\n")
    (out / "notes.txt").write_text("keep me\n")
    result = CliRunner().invoke(main, ["generate", "--count", "4", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cases = sorted(p.name for p in out.glob("gen-*.yaml"))
    assert cases == [f"gen-5-{n}.yaml" for n in range(4)]
    assert (out / "mine.yaml").exists() and (out / "notes.txt").exists()
    assert f"12 case file(s) of an earlier generate removed from {out}" in result.stderr
    assert f"1 other .yaml file(s) in {out} were not written by generate and were kept" in result.stderr


def test_generated_folder_never_removes_what_its_command_did_not_write(tmp_path: Path) -> None:
    """Only names the manifest lists and the command writes are removed: not another command's, not a forged path."""
    from cec_advisor.verify.generated import GeneratedFolder

    (tmp_path / "gap-001.yaml").write_text("x")
    (tmp_path / "gen-1-1.yaml").write_text("x")
    (tmp_path / "other.yaml").write_text("x")
    forged = {"command": "generate", "files": ["gen-1-1.yaml", "other.yaml", "../x.yaml", "gap-001.yaml"]}
    (tmp_path / ".cec-advisor-generate.json").write_text(json.dumps(forged))
    folder = GeneratedFolder(tmp_path, "generate")
    folder.begin(["gen-2-0.yaml"])
    (tmp_path / "gen-2-0.yaml").write_text("x")
    tidied = folder.finish()
    assert tidied.removed == ("gen-1-1.yaml",)
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == ["gap-001.yaml", "gen-2-0.yaml", "other.yaml"]
    assert tidied.others == ("gap-001.yaml", "other.yaml")
