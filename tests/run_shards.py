"""`make test`: the tests in N pytest processes side by side (tests/shards.py deals the files).

Most of the suite's time is spent waiting on RabbitMQ, PostgreSQL and the services it starts, so
a few processes on two cores finish sooner than one. Every test already has its own vhost and
databases (tests/support.py), so shards share nothing but the servers. pytest-xdist would do the
dealing, but its execnet workers hang once eventlet patches threads (tests/conftest.py), hence
plain processes.

    python -m tests.run_shards 3 [pytest arguments…]   # run; exit status of the worst shard
    python -m tests.run_shards --record                 # tests/durations.json from the last run

Each shard's output goes to `.test-shards/shard-<k>.log` (and its JUnit XML beside it); the
summary of each is printed as it ends, and the whole log of a shard that failed. The files that
promise a wall time (tests/shards.py `ALONE`) run last, in a shard of their own with nothing
beside it (`shard-alone.log`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

from tests.shards import ALONE, ALONE_SHARD, DURATIONS, unit_of

FOLDER = Path(".test-shards")
NO_TESTS_COLLECTED = 5  # pytest's exit status when a shard has nothing to run


def run(shards: int, arguments: list[str]) -> int:
    FOLDER.mkdir(exist_ok=True)
    started = time.monotonic()
    statuses = _wait(
        started, {index: _start(index, f"{index}/{shards}", arguments) for index in range(shards)}
    )
    print(f"shards done in {time.monotonic() - started:.0f}s; now the tests timed alone ({', '.join(ALONE)})")
    statuses.update(_wait(started, {ALONE_SHARD: _start(ALONE_SHARD, ALONE_SHARD, arguments)}))
    failed = [index for index, status in statuses.items() if status not in (0, NO_TESTS_COLLECTED)]
    for index in failed:
        print(f"\n===== shard {index} (exit status {statuses[index]}) =====", flush=True)
        print((FOLDER / f"shard-{index}.log").read_text(errors="replace"), flush=True)
    print(f"all shards done in {time.monotonic() - started:.0f}s", flush=True)
    return max((statuses[index] for index in failed), default=0)


def _start(name, shard: str, arguments: list[str]):
    """One pytest process for `COOP_TEST_SHARD=shard`, its output in .test-shards/shard-<name>.log."""
    log = open(FOLDER / f"shard-{name}.log", "wb")  # noqa: SIM115 (closed when the shard ends)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        f"--junitxml={FOLDER / f'shard-{name}.xml'}",
        *arguments,
    ]
    env = dict(os.environ, COOP_TEST_SHARD=shard)
    print(f"shard {name} started; log in {FOLDER}/shard-{name}.log", flush=True)
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env), log


def _wait(started: float, running: dict) -> dict:
    """The exit status of each shard, its summary line printed as it ends."""
    statuses = {}
    while running:
        for index, (process, log) in list(running.items()):
            if process.poll() is None:
                continue
            log.close()
            del running[index]
            statuses[index] = process.returncode
            summary = _last_line(FOLDER / f"shard-{index}.log")
            print(f"[{time.monotonic() - started:6.0f}s] shard {index}: {summary}", flush=True)
        time.sleep(1)
    return statuses


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def record() -> None:
    """Seconds per unit (file, or grouped folder) from the shards' JUnit files of the last run."""
    seconds: dict[str, float] = defaultdict(float)
    for junit in sorted(FOLDER.glob("shard-*.xml")):
        for case in ElementTree.parse(junit).getroot().iter("testcase"):
            seconds[unit_of(_file_of(case))] += float(case.get("time", 0))
    if not seconds:
        raise SystemExit(f"no JUnit file in {FOLDER}: run the shards first")
    DURATIONS.write_text(json.dumps({k: round(v, 1) for k, v in sorted(seconds.items())}, indent=1) + "\n")
    print(f"{len(seconds)} files, {sum(seconds.values()):.0f}s in all, written to {DURATIONS}")


def _file_of(case) -> str:
    """JUnit names a test by its dotted class path (tests.unit.test_x or tests.unit.test_x.Class)."""
    parts = case.get("classname", "").split(".")
    for end in range(len(parts), 0, -1):
        candidate = "/".join(parts[:end]) + ".py"
        if Path(candidate).exists():
            return candidate
    return "/".join(parts) + ".py"


if __name__ == "__main__":
    if sys.argv[1:] == ["--record"]:
        record()
    else:
        sys.exit(run(int(sys.argv[1]), sys.argv[2:]))
