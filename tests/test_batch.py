"""Batch runs: every good case planned, bad ones listed, summary.csv, identical output for any --jobs."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.cli.main import main
from cec_advisor.consult.batch import BatchReport, parse_formats, run_batch
from cec_advisor.consult.formatters import batch_lines
from cec_advisor.consult.scan import duplicate_ids
from cec_advisor.errors import UserError
from cec_advisor.io.sources import collect_case_files

from .conftest import CASES, SAMPLE_CASES

BROKEN = "format: cec-case/1\nid: broken\nname: Broken\nlevel: county\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The sample cases plus one broken file and one duplicate id."""
    folder = tmp_path / "cases"
    folder.mkdir()
    for sample in SAMPLE_CASES:
        shutil.copy(sample, folder / sample.name)
    (folder / "zz-broken.yaml").write_text(BROKEN)
    shutil.copy(CASES / "sig-school.yaml", folder / "zz-copy-of-sig.yaml")
    return folder


def _rows(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_batch_plans_good_cases_and_lists_bad_ones(tmp_path: Path, corpus: Path) -> None:
    """Good cases get every format; the broken file and both duplicates are errors; exit code 2."""
    out = tmp_path / "plans"
    result = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(out), "-f", "json,markdown,html"])
    assert result.exit_code == 2
    good = len(SAMPLE_CASES) - 1
    assert f"{good} planned, 3 failed" in result.stdout
    assert "zz-broken.yaml:4: level: 'county' is not allowed" in result.stderr
    assert result.stderr.count("duplicate case id 'washington-high-sig'") == 2
    produced = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert len(produced) == good * 3 + 1
    assert "washington-high-sig.json" not in produced and "riverside-42.html" in produced
    hidden = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert hidden == [".cec-advisor-batch.jsonl"], "temporary files left behind"
    assert "Planning" not in result.stderr, "no progress bar when output is not a terminal"


def test_summary_csv_has_one_correct_row_per_case(tmp_path: Path, corpus: Path) -> None:
    """summary.csv has a row per case file, in input order, with the decisions or the error."""
    out = tmp_path / "plans"
    run_batch([corpus], out, ("json",))
    rows = _rows(out)
    assert len(rows) == len(SAMPLE_CASES) + 2
    assert list(rows[0]) == [
        "id",
        "name",
        "file",
        "commitment",
        "readiness",
        "emphasis",
        "plan_type",
        "services",
        "first_services",
        "warnings",
        "error",
    ]
    riverside = next(r for r in rows if r["id"] == "riverside-42")
    assert riverside["commitment"] == "absent" and riverside["plan_type"] == "transformation"
    assert riverside["services"] == "29" and riverside["error"] == ""
    assert (
        riverside["first_services"] == "collaborative-compact; commitment-conversations; local-union-system-assessment"
    )
    lakeview = next(r for r in rows if r["id"] == "lakeview-unit-5")
    assert lakeview["warnings"] == "K2-anchor-refuses"
    broken = next(r for r in rows if r["file"].endswith("zz-broken.yaml"))
    assert broken["error"].endswith("level: 'county' is not allowed; expected 'district' | 'school'")
    assert [r["file"] for r in rows] == [str(p) for p in collect_case_files([corpus])]


def test_parallel_output_is_identical(tmp_path: Path, corpus: Path) -> None:
    """--jobs 2 writes byte-identical files to --jobs 1."""
    one, two = tmp_path / "one", tmp_path / "two"
    run_batch([corpus], one, ("json", "markdown", "html"), jobs=1)
    run_batch([corpus], two, ("json", "markdown", "html"), jobs=2)
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_batch_output_matches_single_plans(tmp_path: Path) -> None:
    """A batch writes exactly what `plan` prints for the same case."""
    out = tmp_path / "plans"
    run_batch([CASES / "pera-slo-request.yaml"], out, ("json",))
    single = CliRunner().invoke(main, ["plan", str(CASES / "pera-slo-request.yaml"), "-f", "json"]).stdout
    assert (out / "prairie-view-204.json").read_text() == single


def test_batch_trace_matches_plan_trace(tmp_path: Path) -> None:
    """`batch --trace` writes what `plan --trace` prints; without it the appendix is left out."""
    case = str(CASES / "pera-slo-request.yaml")
    result = CliRunner().invoke(main, ["batch", case, "--out", str(tmp_path / "t"), "-f", "markdown", "--trace"])
    assert result.exit_code == 0, result.output
    single = CliRunner().invoke(main, ["plan", case, "--trace"]).stdout
    assert (tmp_path / "t" / "prairie-view-204.md").read_text() == single
    assert "Appendix: how the advisor decided" in single
    run_batch([CASES / "pera-slo-request.yaml"], tmp_path / "plain", ("markdown",))
    assert "how the advisor decided" not in (tmp_path / "plain" / "prairie-view-204.md").read_text()


def test_inputs_formats_and_duplicates(tmp_path: Path, corpus: Path) -> None:
    """Folders expand to their YAML files once; unknown formats are refused; duplicate ids are found."""
    files = collect_case_files([corpus, corpus / "sig-school.yaml"])
    assert len(files) == len(SAMPLE_CASES) + 2
    assert parse_formats("html, json") == ("html", "json")
    with pytest.raises(UserError, match="unknown format 'pdf'; choose from markdown, json, html"):
        parse_formats("json,pdf")
    assert set(duplicate_ids(files)) == {"washington-high-sig"}
    with pytest.raises(UserError, match="no case files"):
        run_batch([], tmp_path / "o", ("json",))


def test_a_worker_crash_loses_only_its_case(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed by a segfault on one case: that case is reported, every other case is planned as usual."""
    import faulthandler
    import os
    import signal

    from cec_advisor.consult import workers

    crasher = corpus / "crash-me.yaml"
    crasher.write_text((CASES / "pera-slo-request.yaml").read_text().replace("id: prairie-view-204", "id: crash-me"))
    planner = workers.Worker.plan

    def crash_on_one(path: str) -> workers.CaseOutcome:
        if Path(path).name == "crash-me.yaml":
            faulthandler.disable()  # the crash is deliberate: no fatal-error dump from the worker
            os.kill(os.getpid(), signal.SIGSEGV)
        return planner(path)

    monkeypatch.setattr(workers.Worker, "plan", staticmethod(crash_on_one))
    out = tmp_path / "plans"
    report = run_batch([corpus], out, ("json",), jobs=2)
    crashed = [error for file, error in report.failed if file.endswith("crash-me.yaml")]
    assert len(crashed) == 1 and "crashed while planning this case (signal 11)" in crashed[0]
    assert report.planned == len(SAMPLE_CASES) - 1  # every good sample (the duplicate pair is refused)
    reference = tmp_path / "reference"
    monkeypatch.undo()
    run_batch([corpus], reference, ("json",), jobs=1)
    for plan in reference.glob("*.json"):
        if plan.name != "crash-me.json":
            assert (out / plan.name).read_bytes() == plan.read_bytes()
    assert not (out / "crash-me.json").exists()


def test_an_action_failure_is_an_error_for_that_case_only(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception inside a rule action becomes a clear error for the case that hit it, never a partial plan."""
    from cec_advisor.engine import durable as engine

    original = engine.fill_placeholders

    def explode_on_deadlines(text: str, facts: dict, services: dict | None = None) -> str:  # type: ignore[type-arg]
        if "deadline" in text:
            raise RuntimeError("boom")
        return original(text, facts, services)

    monkeypatch.setattr(engine, "fill_placeholders", explode_on_deadlines)
    out = tmp_path / "plans"
    report = run_batch([corpus], out, ("json",), jobs=2)
    failed = dict(report.failed)
    slo = next(error for file, error in failed.items() if file.endswith("pera-slo-request.yaml"))
    assert "rule K7-deadline-collision failed: RuntimeError('boom')" in slo
    assert not (out / "prairie-view-204.json").exists()
    assert report.planned == len(SAMPLE_CASES) - 2


def test_batches_whose_last_case_fills_a_window_finish(tmp_path: Path) -> None:
    """Regression: when the last case exactly filled a worker's window, the supervisor could wait forever."""
    import threading

    folder = tmp_path / "four"
    folder.mkdir()
    for sample in SAMPLE_CASES[:4]:
        shutil.copy(sample, folder / sample.name)
    finished: list[int] = []

    def many_batches() -> None:
        for run in range(30):
            report = run_batch([folder], tmp_path / f"out{run}", ("json",), jobs=2)
            finished.append(report.planned)

    worker = threading.Thread(target=many_batches, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), f"a batch hung after {len(finished)} runs"
    assert finished == [4] * 30


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_safe_neutralises_every_formula_prefix(prefix: str) -> None:
    """A cell that a spreadsheet would read as a formula is made inert; others are left alone (OWASP).

    = + - @ get a leading quote; a leading tab or CR is shown escaped (``\\x09``), as every control character is.
    """
    from cec_advisor.io.safetext import csv_safe

    cell = csv_safe(f"{prefix}cmd|' /C calc'!A0")
    if prefix.isprintable():
        assert cell == f"'{prefix}cmd|' /C calc'!A0"
    else:
        assert cell == f"\\x{ord(prefix):02x}cmd|' /C calc'!A0"
    assert csv_safe("Riverside = 42") == "Riverside = 42"


def test_summary_rows_stay_one_line_whatever_a_file_name_holds(tmp_path: Path) -> None:
    """A case file whose name holds a newline and an escape sequence gets one summary line, escaped."""
    folder = tmp_path / "cases"
    folder.mkdir()
    hostile = folder / "bad\n\x1b[2Jname.yaml"
    hostile.write_text(BROKEN)
    out = tmp_path / "out"
    run_batch([folder], out, ("json",))
    lines = (out / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert "bad\\x0a\\x1b[2Jname.yaml" in lines[1]
    assert "\x1b" not in lines[1]


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", '+HYPERLINK("http://x")', "@SUM(A1)", "-2+3"])
def test_summary_csv_has_no_formula_cells(tmp_path: Path, name: str) -> None:
    """A case named like a spreadsheet formula reaches summary.csv quoted, never as a formula."""
    source = tmp_path / "cases"
    source.mkdir()
    text = (CASES / "steady-district.yaml").read_text(encoding="utf-8")
    (source / "hostile.yaml").write_text(text.replace("name: Elm Park School District 2", f"name: {json.dumps(name)}"))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(source), "--out", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    (row,) = _rows(out)
    assert row["name"] == f"'{name}"


def test_outputs_honour_the_umask_and_keep_an_existing_mode(tmp_path: Path) -> None:
    """New outputs get 0666 less the umask (as a shell redirect would); an existing file keeps its mode."""
    import os
    import stat

    from cec_advisor.io.fileio import write_atomic

    fresh, kept = tmp_path / "fresh.md", tmp_path / "kept.md"
    kept.write_text("old")
    kept.chmod(0o640)
    write_atomic(fresh, "new")
    write_atomic(kept, "new")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["batch", str(CASES / "steady-district.yaml"), "--out", str(out)]).exit_code == 0
    assert stat.S_IMODE((out / "summary.csv").stat().st_mode) == 0o666 & ~mask


def test_an_id_line_inside_a_quoted_name_is_not_a_duplicate(tmp_path: Path) -> None:
    """A multi-line quoted name holding "id: victim-1" does not make a good case a duplicate of victim-1."""
    folder = tmp_path / "cases"
    folder.mkdir()
    base = (CASES / "steady-district.yaml").read_text(encoding="utf-8")
    victim = re.sub(r"(?m)^id: .*$", "id: victim-1", base, count=1)
    (folder / "a-victim.yaml").write_text(victim, encoding="utf-8")
    decoy = re.sub(r"(?m)^id: .*\n", "", base, count=1) + "id: decoy-2\n"  # the real id comes last
    decoy = re.sub(r"(?m)^name: .*$", 'name: "Decoy\n\nid: victim-1\n\n district"', decoy, count=1)
    (folder / "b-decoy.yaml").write_text(decoy, encoding="utf-8")
    report = run_batch([folder], tmp_path / "out", ("json",))
    assert report.failed == [] and report.planned == 2
    assert duplicate_ids(collect_case_files([folder])) == {}


def test_resume_replans_only_what_changed(tmp_path: Path, corpus: Path) -> None:
    """--resume keeps the outputs of unchanged cases and plans a case whose file changed or whose output was
    removed; a changed rule base or format set plans everything again; the files equal a fresh run's."""
    out = tmp_path / "out"
    first = run_batch([corpus], out, ("json", "markdown"))
    edited = corpus / "steady-district.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    (out / "riverside-42.md").unlink()
    (out / "aspen-grove-45.json").write_text("{}")  # an output changed behind the tool's back
    again = run_batch([corpus], out, ("json", "markdown"), resume=True)
    assert again.planned == first.planned
    assert again.reused == first.planned - 3
    fresh = tmp_path / "fresh"
    run_batch([corpus], fresh, ("json", "markdown"))
    for produced in fresh.iterdir():
        if not produced.name.startswith("."):
            assert (out / produced.name).read_bytes() == produced.read_bytes(), produced.name
    assert run_batch([corpus], out, ("json",), resume=True).reused == 0
    assert run_batch([corpus], out, ("json",), resume=True).reused == first.planned


def test_resume_without_a_previous_run_plans_everything(tmp_path: Path, corpus: Path, rules_copy: Path) -> None:
    """--resume into an empty folder, or after the rules changed, plans every case."""
    out = tmp_path / "out"
    assert run_batch([corpus], out, ("json",), resume=True).reused == 0
    (rules_copy / "services.yaml").write_text((rules_copy / "services.yaml").read_text() + "\n# edited\n")
    assert run_batch([corpus], out, ("json",), resume=True, rules_dir=rules_copy).reused == 0


def test_summary_json_for_tools(tmp_path: Path, corpus: Path) -> None:
    """`--summary json` writes summary.json: the same rows as the CSV, with numbers and lists, and the counts."""
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(out), "-f", "json", "--summary", "json"])
    assert result.exit_code == 2
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert not (out / "summary.csv").exists()
    assert summary["planned"] == len(SAMPLE_CASES) - 1 and summary["failed"] == 3
    rows = {row["file"]: row for row in summary["cases"]}
    riverside = rows[str(corpus / "riverside-adversarial.yaml")]
    assert isinstance(riverside["services"], int) and riverside["first_services"][0] == "collaborative-compact"
    assert "level: 'county' is not allowed" in rows[str(corpus / "zz-broken.yaml")]["error"]


def test_quiet_batch_prints_only_errors(tmp_path: Path, corpus: Path) -> None:
    """`batch -q` prints no closing line; the failures still go to stderr."""
    result = CliRunner().invoke(main, ["batch", str(corpus), "--out", str(tmp_path / "o"), "-f", "json", "-q"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "zz-broken.yaml:4: level: 'county' is not allowed" in result.stderr


def test_resume_with_a_damaged_record_plans_again(tmp_path: Path, corpus: Path) -> None:
    """A hand-edited or damaged manifest line (a row missing columns, lists for strings) is not reused, not a crash."""
    out = tmp_path / "out"
    first = run_batch([corpus], out, ("json",))
    manifest = out / ".cec-advisor-batch.jsonl"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    damaged = [json.loads(line) for line in lines[1:3]]
    damaged[0]["row"] = {"id": "x"}
    damaged[1]["outputs"] = {"a.json": ["not", "a", "digest"]}
    manifest.write_text("\n".join([lines[0], *map(json.dumps, damaged), *lines[3:], "{cut sho"]) + "\n")
    again = run_batch([corpus], out, ("json",), resume=True)
    assert again.planned == first.planned and again.reused == first.planned - 2


def test_closing_lines_count_reused_cases_and_list_every_failure(tmp_path: Path) -> None:
    """The closing line counts planned (and reused) cases; each failure and unwritten file follows on stderr."""
    report = BatchReport(planned=3, failed=[("a.yaml", "a.yaml: bad")], reused=2, output_errors=["summary.csv: full"])
    lines = batch_lines(report, tmp_path, "json", quiet=False)
    assert [(line.text, line.err) for line in lines] == [
        (f"3 planned (2 unchanged since the last run), 1 failed; plans and summary.json in {tmp_path}", False),
        ("1 case file(s) could not be planned:", True),
        ("  a.yaml: bad", True),
        ("Error: summary.csv: full", True),
    ]
    assert [line.text for line in batch_lines(report, tmp_path, "json", quiet=True)] == [
        line.text for line in lines[1:]
    ]
