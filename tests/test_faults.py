"""Fault injection: hostile files and file-system objects never hang the tool or end in a traceback."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CASES, RULES, SAMPLE_CASES


class _Result:
    def __init__(self, completed: subprocess.CompletedProcess[str]) -> None:
        self.exit_code = completed.returncode
        self.output = completed.stdout + completed.stderr


def _run(args: list[str], *, preexec: Callable[[], None] | None = None, timeout: float = 60) -> _Result:
    """Run the CLI in its own process with a deadline: a hang fails the test instead of stalling the suite."""
    command = [sys.executable, "-m", "cec_advisor", *args]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, preexec_fn=preexec
    )
    return _Result(completed)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe with no writer: opening it for reading the ordinary way blocks forever."""
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", [["plan"], ["validate"], ["explain"], ["coverage"]])
def test_a_fifo_is_refused_not_waited_on(fifo: Path, command: list[str]) -> None:
    """A FIFO given as a case file is refused at once with a one-line error naming it (exit 2)."""
    result = _run([*command, str(fifo)])
    assert result.exit_code == 2, result.output
    assert f"{fifo}: not a regular file" in result.output
    assert "Traceback" not in result.output


def test_a_fifo_in_a_batch_is_an_error_for_that_file_only(tmp_path: Path, fifo: Path) -> None:
    """In a batch folder the FIFO is listed as failed; the good case is planned."""
    shutil.copy(CASES / "steady-district.yaml", fifo.parent / "good.yaml")
    out = tmp_path / "out"
    result = _run(["batch", str(fifo.parent), "--out", str(out), "-f", "json"])
    assert result.exit_code == 2
    assert "1 planned, 1 failed" in result.output
    assert (out / "elm-park-2.json").is_file()


def test_a_fifo_in_the_rules_folder_is_refused(tmp_path: Path) -> None:
    """A FIFO among the rule files is refused with its name; the run does not hang."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    os.mkfifo(rules / "zz-pipe.yaml")
    result = _run(["plan", str(CASES / "steady-district.yaml"), "--rules", str(rules)])
    assert result.exit_code == 2, result.output
    assert "zz-pipe.yaml: not a regular file" in result.output


def test_a_device_is_refused(tmp_path: Path) -> None:
    """/dev/zero is not read endlessly: it is refused like a FIFO."""
    result = _run(["plan", "/dev/zero"])
    assert result.exit_code == 2 and "not a regular file" in result.output


# --- the batch's outputs: unwritable files and folders, a full disk, a second batch --------------------------------


def _rows(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _no_traceback(result: _Result) -> None:
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output


def test_one_unwritable_output_is_an_error_for_that_case_only(tmp_path: Path) -> None:
    """A folder squatting on one plan's name fails that case; every other case and summary.csv are written."""
    out = tmp_path / "out"
    (out / "riverside-42.json").mkdir(parents=True)
    result = _run(["batch", str(CASES), "--out", str(out), "-f", "json"])
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert re.search(r"\b\d{2} planned, 1 failed", result.output)
    assert "riverside-42.json: cannot write: Is a directory" in result.output
    rows = {row["id"]: row for row in _rows(out)}
    assert "cannot write" in rows["riverside-42"]["error"]
    assert (out / "elm-park-2.json").is_file() and (out / "washington-high-sig.json").is_file()


def _file_size_limit(limit: int) -> Callable[[], None]:
    """A child-process set-up that caps file size at ``limit`` bytes: a write past it fails with EFBIG, like ENOSPC."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer instead of failing the write
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_fails_the_plans_that_do_not_fit_and_keeps_the_rest(tmp_path: Path) -> None:
    """With files capped at 40 kB, the large JSON plans fail one by one; the small ones and summary.csv are written."""
    out = tmp_path / "out"
    result = _run(["batch", str(CASES), "--out", str(out), "-f", "json"], preexec=_file_size_limit(40_000))
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert "riverside-42.json: cannot write: File too large" in result.output
    rows = _rows(out)
    failed = [row for row in rows if row["error"]]
    assert failed and len(failed) < len(rows)
    for row in rows:
        written = out / f"{row['id']}.json"
        assert written.is_file() != bool(row["error"]), row
        if written.is_file():
            json.loads(written.read_text(encoding="utf-8"))  # complete, never cut short
    assert not list(out.glob(".*.tmp"))


def test_a_summary_that_does_not_fit_is_a_one_line_error(tmp_path: Path) -> None:
    """When even summary.csv cannot be written: an error line naming it, exit 2, no internal error, no temporary."""
    out = tmp_path / "out"
    result = _run(["batch", str(CASES), "--out", str(out), "-f", "markdown"], preexec=_file_size_limit(3_000))
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert re.search(r"(?m)^Error: \S+summary\.csv: cannot write: File too large$", result.output)
    assert not (out / "summary.csv").exists()
    assert not list(out.glob(".*.tmp"))


def test_plan_to_a_full_disk_is_a_one_line_error(tmp_path: Path) -> None:
    """`plan -o` past the file-size cap: a one-line error, exit 2, and no partial file."""
    target = tmp_path / "plan.json"
    result = _run(
        ["plan", str(CASES / "riverside-adversarial.yaml"), "-f", "json", "-o", str(target)],
        preexec=_file_size_limit(10_000),
    )
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert f"{target}: cannot write: File too large" in result.output
    assert not target.exists() and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("command", ["batch", "plan"])
def test_an_output_under_a_file_is_a_one_line_error(tmp_path: Path, command: str) -> None:
    """`--out afile/sub` and `-o afile/x.md` name the file that is in the way (not "File exists"), exit 2."""
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder\n")
    case = str(CASES / "steady-district.yaml")
    args = (
        ["batch", case, "--out", str(blocker / "sub")]
        if command == "batch"
        else ["plan", case, "-o", str(blocker / "x.md")]
    )
    result = _run(args)
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert f"{blocker} is a file, not a folder" in result.output
    assert len(result.output.strip().splitlines()) == 1


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder this process may not write into: mode 0555, or (as root, who ignores modes) /sys if it is read-only."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o555)
        return folder
    try:
        os.close(tempfile.mkstemp(dir="/sys")[0])
    except OSError:
        return Path("/sys")
    pytest.skip("running as root with a writable /sys: no read-only folder to try")


def test_a_read_only_output_folder_is_a_one_line_error(tmp_path: Path) -> None:
    """`--out` a folder that cannot be written into: one error line naming it, exit 2, before any planning."""
    out = _read_only_folder(tmp_path)
    result = _run(["batch", str(CASES / "steady-district.yaml"), "--out", str(out)])
    assert result.exit_code == 2, result.output
    _no_traceback(result)
    assert re.fullmatch(rf"Error: {re.escape(str(out))}: cannot write into this folder: [A-Z][a-z ]+\n", result.output)


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    """While a batch holds the output folder, another one is refused clearly (exit 2) and writes nothing."""
    out = tmp_path / "out"
    out.mkdir()
    holder = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # what a running batch holds
        result = _run(["batch", str(CASES / "steady-district.yaml"), "--out", str(out)])
    finally:
        os.close(holder)
    assert result.exit_code == 2, result.output
    assert "another cec-advisor batch is writing into this folder" in result.output
    assert list(out.iterdir()) == []
    assert _run(["batch", str(CASES / "steady-district.yaml"), "--out", str(out)]).exit_code == 0


# --- signals: Ctrl-C and kills leave no process behind and no half-written file ------------------------------------


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 1,100 valid cases (the samples under new ids): a batch that runs for several seconds."""
    folder = tmp_path_factory.mktemp("big") / "cases"
    folder.mkdir()
    for copy in range(40):
        for sample in SAMPLE_CASES:
            text = sample.read_text(encoding="utf-8")
            text = re.sub(r"(?m)^id: *(\S+)", rf"id: c{copy}-\1", text, count=1)
            (folder / f"c{copy:02d}-{sample.name}").write_text(text, encoding="utf-8")
    return folder


def _start_batch(corpus: Path, out: Path, jobs: int) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "cec_advisor",
        "batch",
        str(corpus),
        "--out",
        str(out),
        "-j",
        str(jobs),
        "-f",
        "json,markdown,html",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until it is well into the cases
        if out.is_dir() and sum(1 for p in out.iterdir() if p.suffix == ".html") >= 30:
            return process
        time.sleep(0.05)
    process.kill()
    pytest.fail("the batch produced no plans within 60 s")


def _group_gone(group: int, within: float) -> bool:
    """Whether every process of the group has ended within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_stops_the_batch_quickly_and_cleanly(big_corpus: Path, tmp_path: Path, jobs: int) -> None:
    """Ctrl-C to the process group: exit 130 within 10 s, one message (no traceback per worker), no process
    left, no temporary file, and every plan file written is complete."""
    out = tmp_path / "out"
    process = _start_batch(big_corpus, out, jobs)
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the batch did not stop within 10 s of Ctrl-C")
    assert _group_gone(process.pid, 10), "worker processes outlived the interrupted batch"
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert "interrupted" in stderr and "--resume" in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert not list(out.glob(".*.tmp"))
    for plan in out.glob("*.json"):
        json.loads(plan.read_text(encoding="utf-8"))


def test_killing_the_parent_kills_the_workers_and_resume_finishes_the_job(big_corpus: Path, tmp_path: Path) -> None:
    """SIGKILL to the batch parent: its workers end too (they watch for it); a rerun clears the stale temporary
    files, and --resume plans only what is missing, ending with the same files as one uninterrupted run."""
    out = tmp_path / "out"
    process = _start_batch(big_corpus, out, 2)
    process.kill()
    try:
        process.communicate(timeout=10)  # orphaned workers would hold its output pipes open
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("workers outlived their killed parent, holding its output open")
    assert _group_gone(process.pid, 10), "workers outlived their killed parent"
    (out / ".riverside-42.html.abcd_123.tmp").write_text("")  # what a kill mid-write leaves
    (out / ".summary.csv.zz9_8yx7.tmp").write_text("id,name\n")
    before = {p.name for p in out.iterdir() if p.suffix == ".html"}

    resumed = _run(
        ["batch", str(big_corpus), "--out", str(out), "-j", "2", "-f", "json,markdown,html", "--resume"], timeout=300
    )
    assert resumed.exit_code == 0, resumed.output
    unchanged = int(re.search(r"\((\d+) unchanged since the last run\)", resumed.output).group(1))  # type: ignore[union-attr]
    assert 0 < len(before) - 2 <= unchanged < len(before) + 1
    assert not list(out.glob(".*.tmp"))

    fresh = tmp_path / "fresh"
    assert (
        _run(
            ["batch", str(big_corpus), "--out", str(fresh), "-j", "2", "-f", "json,markdown,html"], timeout=300
        ).exit_code
        == 0
    )
    names = sorted(p.name for p in fresh.iterdir() if not p.name.startswith("."))
    assert names == sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    for name in names:
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name


_INTERRUPT_INSIDE_AN_ACTION = """
import os, signal, sys
from cec_advisor.engine import durable as engine

original = engine._conclude
sent = []

def conclude_then_interrupt(*args, **kwargs):
    if not sent:  # Ctrl-C lands while the engine runs a rule action of the first case
        sent.append(True)
        os.kill(os.getpid(), signal.SIGINT)
    return original(*args, **kwargs)

engine._conclude = conclude_then_interrupt
from cec_advisor.cli.main import main
main(sys.argv[1:])
"""


def test_ctrl_c_inside_a_rule_action_stops_the_batch(tmp_path: Path) -> None:
    """The race of a Ctrl-C landing inside the engine (which swallows exceptions raised in actions) made
    deterministic: the batch stops with exit 130, no case is failed with the engine's traceback text."""
    out = tmp_path / "out"
    command = [sys.executable, "-c", _INTERRUPT_INSIDE_AN_ACTION, "batch", str(CASES), "--out", str(out), "-j", "1"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 130, completed.stdout + completed.stderr
    assert "traceback" not in completed.stderr.lower()
    assert not (out / "summary.csv").exists()


# --- memory ---------------------------------------------------------------------------------------------------


def _address_space(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def test_too_little_address_space_is_refused_at_start() -> None:
    """Under `ulimit -v` of 48 MiB (where the engine can segfault) the tool refuses in one line, exit 2; also
    under 200 MiB, where lint could abort inside compiled code."""
    result = _run(["plan", str(CASES / "steady-district.yaml")], preexec=_address_space(48 * 1024 * 1024))
    assert result.exit_code == 2, result.output
    assert "address-space limit (ulimit -v) is 48 MiB" in result.output
    assert len(result.output.strip().splitlines()) == 1
    lint = _run(["lint", str(RULES)], preexec=_address_space(200 * 1024 * 1024))
    assert lint.exit_code == 2 and lint.output.startswith("Error: the address-space limit (ulimit -v) is 200 MiB")


_MEMORY_ERROR_WHILE_PLANNING = """
import sys
from cec_advisor.advisor import Advisor

def exhausted(self, path):
    raise MemoryError

Advisor.plan_file = exhausted
from cec_advisor.entry import main
sys.argv = ["cec-advisor", *sys.argv[1:]]
main()
"""


def test_running_out_of_memory_is_a_one_line_reason() -> None:
    """A MemoryError (injected: where a real one strikes is not deterministic) is one line naming the limit, exit 4."""
    limit = 1024 * 1024 * 1024
    completed = subprocess.run(
        [sys.executable, "-c", _MEMORY_ERROR_WHILE_PLANNING, "plan", str(CASES / "steady-district.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_address_space(limit),
    )
    assert completed.returncode == 4, completed.stderr
    assert completed.stderr == "Error: out of memory (the address-space limit, ulimit -v, is 1024 MiB)\n"
    assert completed.stdout == ""


# --- outputs that are pipes or devices -----------------------------------------------------------------------------


def test_plan_to_dev_stdout_writes_into_the_stream() -> None:
    """`-o /dev/stdout` prints the plan (written into the stream, as a shell redirect would), not a replaced node."""
    completed = subprocess.run(
        [sys.executable, "-m", "cec_advisor", "plan", str(CASES / "steady-district.yaml"), "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("# Services plan: Elm Park School District 2")


def test_an_output_fifo_without_a_reader_is_refused_not_replaced(fifo: Path) -> None:
    """`-o` a FIFO nobody reads: one error line at once (no hang), and the FIFO is still a FIFO."""
    result = _run(["plan", str(CASES / "steady-district.yaml"), "-o", str(fifo)])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == f"Error: {fifo}: cannot write: no process is reading from it"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_an_output_fifo_with_a_reader_gets_the_plan(fifo: Path) -> None:
    """`-o` a FIFO that a process reads: the reader gets the whole plan (it fits the pipe's buffer)."""
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader is there before the plan is written
    try:
        result = _run(["plan", str(CASES / "steady-district.yaml"), "-o", str(fifo)])
        received = os.read(reader, 1 << 20).decode("utf-8")
    finally:
        os.close(reader)
    assert result.exit_code == 0, result.output
    assert received.startswith("# Services plan: Elm Park School District 2")
