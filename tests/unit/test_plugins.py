"""Entry-point discovery with a real distribution on sys.path (no mocks)."""

import sys

import pytest

from coop_shared.plugins import PluginLoadError, discover


def install_fake_distribution(tmp_path, group, entries):
    dist = tmp_path / "coop_test_plugins-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: coop-test-plugins\nVersion: 1.0\n")
    lines = "\n".join(f"{name} = {target}" for name, target in entries.items())
    (dist / "entry_points.txt").write_text(f"[{group}]\n{lines}\n")
    (tmp_path / "coop_test_plugin_module.py").write_text("class Plugin:\n    key = 'demo'\n")
    sys.path.insert(0, str(tmp_path))


@pytest.fixture
def clean_path():
    saved = list(sys.path)
    yield
    sys.path[:] = saved
    sys.modules.pop("coop_test_plugin_module", None)


def test_discovers_plugins_of_a_group(tmp_path, clean_path):
    install_fake_distribution(tmp_path, "coop.test_group", {"demo": "coop_test_plugin_module:Plugin"})
    found = discover("coop.test_group")
    assert list(found) == ["demo"] and found["demo"].key == "demo"


def test_a_broken_plugin_is_one_typed_error_naming_it(tmp_path, clean_path):
    install_fake_distribution(tmp_path, "coop.test_broken", {"broken": "no_such_module_xyz:Plugin"})
    with pytest.raises(PluginLoadError, match="'broken' of group 'coop.test_broken'"):
        discover("coop.test_broken")


def test_unknown_group_is_empty():
    assert discover("coop.nothing_registered_here") == {}
