"""Which tests one shard of `make test` runs (tests/run_shards.py starts the shards).

`COOP_TEST_SHARD=k/N` keeps the tests of the files that fall to shard k of N; without it every
test runs. Files are dealt longest first onto the shard with the least work so far, by the
seconds each file took in a recorded run (`tests/durations.json`, written by
`python -m tests.run_shards --record`); a file not recorded yet counts as the median file. The
browser tests share one suite for all their files (tests/browser/conftest.py), so their folder
is dealt as one file. The dealing depends only on the file names and the recorded seconds, so
every shard computes the same split without talking to the others.

A file of `ALONE` promises a wall time on a machine that runs nothing else (the README's "the
demo within a minute"): it is dealt to no shard, and `COOP_TEST_SHARD=alone` runs only those
files, once every shard is done (tests/run_shards.py), so two other shards on the same cores do
not eat into the promised minute.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from statistics import median

DURATIONS = Path(__file__).with_name("durations.json")
GROUPED_FOLDERS = ("tests/browser/",)
ALONE = ("tests/e2e/test_demo.py",)
ALONE_SHARD = "alone"


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


def wanted_shard() -> tuple[int, int] | str | None:
    value = os.environ.get("COOP_TEST_SHARD")
    if not value:
        return None
    if value == ALONE_SHARD:
        return value
    index, total = (int(part) for part in value.split("/"))
    if not 0 <= index < total:
        raise ValueError(f"COOP_TEST_SHARD={value}: the shard must be 0 to {total - 1}")
    return index, total


def keep_shard(items: list, config) -> None:
    """pytest_collection_modifyitems: deselect what another shard runs."""
    shard = wanted_shard()
    if shard is None:
        return
    units_of = {item: unit_of(item.nodeid.split("::", 1)[0]) for item in items}
    if shard == ALONE_SHARD:
        wanted = {item for item in items if units_of[item] in ALONE}
    else:
        index, total = shard
        dealt = sorted({unit for unit in units_of.values() if unit not in ALONE})
        shard_of = deal(dealt, total, recorded())
        wanted = {item for item in items if shard_of.get(units_of[item]) == index}
    kept = [item for item in items if item in wanted]
    dropped = [item for item in items if item not in wanted]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
