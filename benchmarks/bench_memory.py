"""Smallest address-space limit (``ulimit -v``) under which each everyday command still succeeds.

    python benchmarks/bench_memory.py

Each command runs in a child process with RLIMIT_AS set, bypassing the
start-up check of ``cec_advisor.entry`` (which refuses below
``cec_advisor.limits.MIN_ADDRESS_SPACE``); a bisection finds the smallest limit
in MiB at which it exits 0. The start-up minimum should sit above every figure.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile

from _common import ROOT

from cec_advisor.limits import MIB, MIN_ADDRESS_SPACE

CASE = str(ROOT / "cases" / "riverside-adversarial.yaml")
COMMANDS = {
    "plan (markdown)": ["plan", CASE],
    "plan -f html": ["plan", CASE, "-f", "html"],
    "explain": ["explain", CASE],
    "validate cases": ["validate", *sorted(str(p) for p in (ROOT / "cases").glob("*.yaml"))],
    "batch -j 1": ["batch", str(ROOT / "cases"), "--out", "{out}", "-f", "json,markdown,html"],
    "batch -j 2": ["batch", str(ROOT / "cases"), "--out", "{out}", "-f", "json,markdown,html", "-j", "2"],
    "lint rules": ["lint", str(ROOT / "rules")],
    "coverage cases": ["coverage", str(ROOT / "cases")],
    "test (rule cases)": ["test", "-q"],
    "gaps --count 50": ["gaps", "--count", "50", "--per-decision", "50", "--out", "{out}"],
}


def succeeds(args: list[str], limit_mib: int) -> bool:
    """Whether the command exits 0 under an address-space limit of ``limit_mib``."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mib * MIB, limit_mib * MIB))

    with tempfile.TemporaryDirectory() as out:
        command = [
            sys.executable,
            "-c",
            "from cec_advisor.cli.main import main; main()",
            *(a.format(out=out) for a in args),
        ]
        done = subprocess.run(command, capture_output=True, preexec_fn=limit, timeout=600, check=False)
    return done.returncode == 0


def minimum(args: list[str]) -> int:
    """Bisect the smallest limit in MiB (between 16 and 1024) at which ``args`` succeeds."""
    low, high = 16, 1024
    if not succeeds(args, high):
        return -1
    while high - low > 2:
        middle = (low + high) // 2
        low, high = (low, middle) if succeeds(args, middle) else (middle, high)
    return high


def main() -> None:
    print(f"Smallest address-space limit that works (MiB); the CLI refuses below {MIN_ADDRESS_SPACE // MIB}")
    for name, args in COMMANDS.items():
        print(f"{name:>16} {minimum(args):>6}")


if __name__ == "__main__":
    main()
