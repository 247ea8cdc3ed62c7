"""Planning the batch's cases: here, or in worker processes that survive each other's crashes.

Either way :func:`plan_cases` yields one :class:`CaseOutcome` per file, in
input order, so what the batch writes does not depend on the number of
workers. A worker ignores Ctrl-C (the parent decides what an interrupt means
and stops the workers itself) and dies with its parent, however the parent ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from cec_advisor.advisor import Advisor
from cec_advisor.consult.summary import summary_row
from cec_advisor.errors import CecError, EngineError
from cec_advisor.render import render

PR_SET_PDEATHSIG = 1
"""Linux prctl option: the signal the kernel sends a process when its parent ends."""

__all__ = ["PR_SET_PDEATHSIG", "CaseOutcome", "Supervisor", "Worker", "plan_cases", "worker_main"]


@dataclass(frozen=True)
class CaseOutcome:
    """What planning one case file produced: its rendered outputs and summary row, or its error."""

    file: str
    case_id: str = ""
    name: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    row: dict[str, str] = field(default_factory=dict)
    error: str = ""


class Worker:
    """Plans case files in one process; the rule base is compiled once per process."""

    advisor: Advisor | None = None
    formats: tuple[str, ...] = ()
    trace: bool = False

    @classmethod
    def start(
        cls, rules_dir: Path | None, formats: tuple[str, ...], trace: bool = False, advisor: Advisor | None = None
    ) -> None:
        """Make this process ready to plan: ``advisor``, or one loaded from ``rules_dir``."""
        cls.advisor = advisor or Advisor(rules_dir)
        cls.formats = formats
        cls.trace = trace

    @classmethod
    def plan(cls, name: str) -> CaseOutcome:
        """Plan one case file and render it in every format; its error instead if it cannot be planned."""
        assert cls.advisor is not None
        path = Path(name)
        try:
            case = cls.advisor.load(path)
        except CecError as exc:
            return CaseOutcome(str(path), error=str(exc))
        try:
            plan = cls.advisor.plan(case)
            outputs = {fmt: render(fmt, plan, trace=cls.trace) for fmt in cls.formats}
        except CecError as exc:
            return CaseOutcome(str(path), case.id, case.name, error=f"{path}: {exc}")
        return CaseOutcome(str(path), case.id, case.name, outputs, summary_row(plan, str(path)))


def plan_cases(
    files: list[str],
    rules_dir: Path | None,
    formats: tuple[str, ...],
    jobs: int,
    trace: bool = False,
    advisor: Advisor | None = None,
) -> Generator[CaseOutcome, None, None]:
    """Each file's outcome, in input order: planned here with ``advisor`` (one job) or by worker processes.

    Closing the generator early (an interrupt, say) stops the workers at once.
    """
    if jobs <= 1 or len(files) <= 1:
        Worker.start(rules_dir, formats, trace, advisor)
        yield from (Worker.plan(path) for path in files)
        return
    yield from Supervisor(files, rules_dir, formats, jobs, trace).run()


def worker_main(
    connection: Connection, parent: int, rules_dir: Path | None, formats: tuple[str, ...], trace: bool
) -> None:
    """A worker process: plan each chunk of (index, path) it receives, answering case by case.

    The worker ignores Ctrl-C (the parent decides what an interrupt means and
    stops the workers itself) and dies with its parent, however the parent ends.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked by the parent while it started us
    _die_with_parent(parent)
    Worker.start(rules_dir, formats, trace)
    while True:
        chunk = connection.recv()
        if chunk is None:
            return
        for index, path in chunk:
            connection.send((index, Worker.plan(path)))


def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does: a kernel parent-death signal on Linux, else a watcher thread."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent ended before the signal was armed
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watcher", daemon=True).start()


@dataclass
class _Handle:
    """One worker process, its end of the pipe, and the cases sent to it and not yet answered."""

    process: BaseProcess
    connection: Connection
    in_flight: deque[tuple[int, str]] = field(default_factory=deque)
    served: int = 0


class Supervisor:
    """Worker processes that survive each other's crashes.

    A worker that dies (a segfault in the C engine, say) costs only the case
    it was running: that case is reported as crashed, the rest of its chunk
    goes back to the queue, and a new worker takes its place. Results are
    yielded in input order.
    """

    CHUNK = 16
    MAX_START_FAILURES = 3

    def __init__(
        self, files: list[str], rules_dir: Path | None, formats: tuple[str, ...], jobs: int, trace: bool = False
    ) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.context: Any = multiprocessing.get_context(method)
        self.source = iter(enumerate(files))  # tasks are taken as workers need them: no queue of every case
        self.retry: deque[tuple[int, str]] = deque()
        self.exhausted = False
        self.rules_dir, self.formats, self.jobs, self.trace = rules_dir, formats, jobs, trace
        self.chunk = max(1, min(self.CHUNK, len(files) // (jobs * 4) or 1))
        self.start_failures = 0

    def run(self) -> Iterator[CaseOutcome]:
        """Every case's outcome, in input order; on an interrupt (or when no longer wanted) the workers are killed."""
        workers = [self._start() for _ in range(self.jobs)]
        done: dict[int, CaseOutcome] = {}
        next_index = 0
        try:
            while self._serve(workers, done):
                while next_index in done:
                    yield done.pop(next_index)
                    next_index += 1
            while next_index in done:
                yield done.pop(next_index)
                next_index += 1
        except BaseException:
            # interrupted, or the consumer stopped: the workers' results are no longer wanted
            for handle in workers:
                handle.process.kill()
            for handle in workers:
                handle.process.join(timeout=5)
            raise
        for handle in workers:
            with contextlib.suppress(OSError, ValueError):
                handle.connection.send(None)
        for handle in workers:
            handle.process.join(timeout=5)
            if handle.process.is_alive():
                handle.process.kill()

    def _serve(self, workers: list[_Handle], done: dict[int, CaseOutcome]) -> bool:
        """Feed every worker, then wait for answers (or deaths) and collect them; False once all cases are done."""
        for handle in workers:
            self._feed(handle)
        watched: dict[Any, _Handle] = {}
        for w in workers:
            if w.in_flight:
                watched[w.connection] = w
                watched[w.process.sentinel] = w
        if not watched:
            return False  # every worker was offered work and none is left: all cases are done
        for ready in wait(list(watched)):
            handle = watched[ready]
            if handle not in workers:
                continue
            if not self._receive(handle, done):
                workers[workers.index(handle)] = self._replace(handle, done)
        return True

    def _start(self) -> _Handle:
        """Start one worker process."""
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=worker_main, args=(child, os.getpid(), self.rules_dir, self.formats, self.trace), daemon=True
        )
        # Ctrl-C is blocked while the worker starts, so it is born with it blocked and can ignore it
        # before any arrives; one pressed meanwhile reaches this process when it is unblocked.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()
        return _Handle(process, parent)

    def _take(self, count: int) -> list[tuple[int, str]]:
        """Up to ``count`` cases to send: those of crashed workers first, then new ones."""
        chunk = [self.retry.popleft() for _ in range(min(count, len(self.retry)))]
        while len(chunk) < count and not self.exhausted:
            task = next(self.source, None)
            if task is None:
                self.exhausted = True
            else:
                chunk.append(task)
        return chunk

    def _feed(self, handle: _Handle) -> None:
        """Keep up to two chunks in flight to a worker."""
        while len(handle.in_flight) < 2 * self.chunk:
            chunk = self._take(self.chunk)
            if not chunk:
                return
            handle.in_flight.extend(chunk)
            handle.connection.send(chunk)

    def _receive(self, handle: _Handle, done: dict[int, CaseOutcome]) -> bool:
        """Take every result the worker has sent; False when the worker is gone."""
        try:
            while handle.connection.poll():
                index, outcome = handle.connection.recv()
                handle.in_flight.popleft()
                handle.served += 1
                done[index] = outcome
        except (EOFError, OSError):
            return False
        return handle.process.is_alive()

    def _replace(self, handle: _Handle, done: dict[int, CaseOutcome]) -> _Handle:
        """A new worker for one that died: its running case is reported as crashed, the rest goes back to the queue.

        Raises EngineError when workers keep dying before planning any case.
        """
        handle.process.join(timeout=5)
        code = handle.process.exitcode
        if handle.in_flight:
            index, path = handle.in_flight.popleft()
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            done[index] = CaseOutcome(
                str(path),
                error=f"{path}: the rule engine crashed while planning this case ({how}); the batch went on without it",
            )
            self.retry.extendleft(reversed(handle.in_flight))
        elif handle.served == 0:
            self.start_failures += 1
            if self.start_failures >= self.MAX_START_FAILURES:
                raise EngineError("batch workers keep dying before planning any case")
        handle.connection.close()
        return self._start()
