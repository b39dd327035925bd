"""Which tests one shard of `make test` runs (tests/run_shards.py starts the shards).

`COOP_TEST_SHARD=k/N` keeps the tests of the files that fall to shard k of N; without it every
test runs. Files are dealt longest first onto the shard with the least work so far, by the
seconds each file took in a recorded run (`tests/durations.json`, written by
`python -m tests.run_shards --record`); a file not recorded yet counts as the median file. The
browser tests share one suite for all their files (tests/browser/conftest.py), so their folder
is dealt as one file. The dealing depends only on the file names and the recorded seconds, so
every shard computes the same split without talking to the others.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from statistics import median

DURATIONS = Path(__file__).with_name("durations.json")
GROUPED_FOLDERS = ("tests/browser/",)


def unit_of(path: str) -> str:
    """The unit dealt to one shard: the file, or the folder of files that share a suite."""
    for folder in GROUPED_FOLDERS:
        if path.startswith(folder):
            return folder
    return path


def recorded() -> dict[str, float]:
    try:
        return json.loads(DURATIONS.read_text())
    except FileNotFoundError:
        return {}


def deal(units: list[str], shards: int, seconds: dict[str, float]) -> dict[str, int]:
    """Longest first, each onto the shard with the least work so far (ties: the lowest shard)."""
    usual = median(seconds.values()) if seconds else 1.0
    weight = {unit: seconds.get(unit, usual) for unit in units}
    load, shard_of = [0.0] * shards, {}
    for unit in sorted(units, key=lambda u: (-weight[u], u)):
        target = min(range(shards), key=lambda k: (load[k], k))
        shard_of[unit] = target
        load[target] += weight[unit]
    return shard_of


def wanted_shard() -> tuple[int, int] | None:
    value = os.environ.get("COOP_TEST_SHARD")
    if not value:
        return None
    index, total = (int(part) for part in value.split("/"))
    if not 0 <= index < total:
        raise ValueError(f"COOP_TEST_SHARD={value}: the shard must be 0 to {total - 1}")
    return index, total


def keep_shard(items: list, config) -> None:
    """pytest_collection_modifyitems: deselect what another shard runs."""
    shard = wanted_shard()
    if shard is None:
        return
    index, total = shard
    units_of = {item: unit_of(item.nodeid.split("::", 1)[0]) for item in items}
    shard_of = deal(sorted(set(units_of.values())), total, recorded())
    kept = [item for item in items if shard_of[units_of[item]] == index]
    dropped = [item for item in items if shard_of[units_of[item]] != index]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
