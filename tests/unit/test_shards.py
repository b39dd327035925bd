"""The dealing of test files to the shards of `make test` (tests/shards.py)."""

from tests.shards import ALONE, ALONE_SHARD, deal, keep_shard, unit_of


def test_the_longest_files_are_spread_and_the_rest_fills_the_gaps():
    seconds = {"a.py": 100.0, "b.py": 90.0, "c.py": 40.0, "d.py": 30.0, "e.py": 20.0}
    shard_of = deal(sorted(seconds), 2, seconds)
    loads = [sum(s for f, s in seconds.items() if shard_of[f] == k) for k in (0, 1)]
    # a (100) then b (90) apart; c (40) to b's side (130); d (30) to a's (130); e (20) to shard 0
    assert shard_of == {"a.py": 0, "b.py": 1, "c.py": 1, "d.py": 0, "e.py": 0}
    assert loads == [150.0, 130.0]


def test_a_file_never_recorded_counts_as_the_median_file():
    seconds = {"a.py": 10.0, "b.py": 20.0, "c.py": 30.0}
    shard_of = deal(["a.py", "b.py", "c.py", "new.py"], 2, seconds)
    # c (30) → 0; b (20) → 1; new (20, the median; after b by name) → 1 (20 < 30); a (10) → 0
    assert shard_of["c.py"] == 0 and shard_of["b.py"] == 1 and shard_of["new.py"] == 1
    assert shard_of["a.py"] == 0


def test_the_browser_tests_go_to_one_shard_together():
    assert unit_of("tests/browser/test_portal_flow.py") == unit_of("tests/browser/test_billing_flow.py")
    assert unit_of("tests/unit/test_money.py") == "tests/unit/test_money.py"


def test_every_shard_computes_the_same_split():
    units = [f"tests/t{n}.py" for n in range(30)]
    seconds = {unit: float(n % 7) for n, unit in enumerate(units)}
    assert deal(units, 3, seconds) == deal(list(reversed(units)), 3, seconds)


class _Item:
    def __init__(self, nodeid):
        self.nodeid = nodeid


class _Config:
    def __init__(self):
        self.deselected = []
        self.hook = self

    def pytest_deselected(self, items):
        self.deselected.extend(item.nodeid for item in items)


def _kept(shard: str, nodeids: list[str], monkeypatch) -> list[str]:
    monkeypatch.setenv("COOP_TEST_SHARD", shard)
    items = [_Item(nodeid) for nodeid in nodeids]
    keep_shard(items, _Config())
    return [item.nodeid for item in items]


def test_the_demo_runs_in_no_shard_but_alone_after_them(monkeypatch):
    nodeids = [
        "tests/e2e/test_demo.py::test_a",
        "tests/unit/test_x.py::test_b",
        "tests/unit/test_y.py::test_c",
    ]
    in_shards = _kept("0/2", nodeids, monkeypatch) + _kept("1/2", nodeids, monkeypatch)
    assert sorted(in_shards) == ["tests/unit/test_x.py::test_b", "tests/unit/test_y.py::test_c"]
    assert _kept(ALONE_SHARD, nodeids, monkeypatch) == ["tests/e2e/test_demo.py::test_a"]
    assert "tests/e2e/test_demo.py" in ALONE
