#!/usr/bin/env python3
"""Run every benchmark of tests/benchmarks in its smoke mode (small sizes,
seconds to a minute or two each), so that a benchmark that no longer runs
fails CI instead of rotting. Prints each one's last lines and its time;
exits non-zero, naming them, when any failed."""

import subprocess
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent / "benchmarks"


def main():
    failed = []
    for script in sorted(BENCHMARKS.glob("bench_*.py")):
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(script), "--smoke", *sys.argv[1:]],
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
        seconds = time.monotonic() - started
        status = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
        print(f"benchmark smoke {script.name}: {status} in {seconds:.0f} s", flush=True)
        if done.returncode:
            failed.append(script.name)
            print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
    if failed:
        print(f"benchmarks that no longer run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
