"""The two pages the README shows, taken on the demo's world: the console's home of Dies's
staff and the portal's home of Dies's entrepreneur (Amina Diallo). Into the test's tmp_path;
also into $COOP_SCREENSHOTS_DIR when set (`make screenshots` writes docs/screenshots/)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def test_the_console_home_of_dies_staff(page, demo_world, tmp_path):
    sign_in(page, demo_world, "dies_staff")
    page.goto("/console")
    page.wait_for_load_state("networkidle")  # the chart drawn
    path = shot(page, tmp_path, "console-home", publish=True)
    assert path.stat().st_size > 10_000


def test_the_portal_home_of_dies_entrepreneur(page, demo_world, tmp_path):
    sign_in(page, demo_world, "dies_member")
    page.goto("/portal")
    page.wait_for_load_state("networkidle")
    path = shot(page, tmp_path, "portal-home", publish=True)
    assert path.stat().st_size > 10_000
