"""Signing in in a real browser, on the demo's world (tests/browser/conftest.py): Dies's admin
with the second factor lands on the console's home, an entrepreneur on the portal; the language
chosen stays chosen from page to page; the skip link is the first stop of the keyboard and takes
it to the page's content; a console page on a phone's width does not scroll sideways."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.browser.conftest import _code, shot, sign_in

pytestmark = pytest.mark.browser


def path_of(page) -> str:
    return urlparse(page.url).path


def test_staff_of_dies_sign_in_with_a_second_factor_and_land_on_the_console_home(page, demo_world, tmp_path):
    login = demo_world.logins["dies_staff"]
    page.goto("/")
    assert path_of(page) == "/sign-in"
    shot(page, tmp_path, "sign-in")
    page.get_by_label("E-mail address").fill(login.email)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Sign in").click()

    # An admin's password alone is not enough: the code of the authenticator app is asked.
    page.wait_for_url("**/second-factor")
    shot(page, tmp_path, "second-factor")
    page.get_by_label("Code of your authenticator app").fill(_code(login))
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(demo_world.base_url + "/console")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header.banner").get_by_text("dies").count() >= 1
    assert page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").count() == 1
    assert page.locator("main h1").is_visible()
    shot(page, tmp_path, "console-home")
    demo_world.sessions["dies_staff"] = next(c for c in page.context.cookies() if c["name"] == "coop_session")


def test_an_entrepreneur_signs_in_without_a_second_factor_and_lands_on_the_portal(page, demo_world, tmp_path):
    login = demo_world.logins["dies_member"]
    assert login.totp_secret is None and login.role == "member"
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill(login.email)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(demo_world.base_url + "/portal")
    assert page.get_by_role("navigation", name="Menu").get_by_role("link", name="My account").count() == 1
    shot(page, tmp_path, "portal-home")
    # the console is not hers: it sends her back to her portal
    page.goto("/console")
    assert path_of(page) == "/portal"


def test_the_language_chosen_is_kept_from_page_to_page(page, demo_world, tmp_path):
    sign_in(page, demo_world, "dies_staff")
    skip = page.locator("a.skip")

    page.goto("/console?lang=nl")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert skip.inner_text() == "Naar de inhoud"
    page.goto("/signed-in")  # another page, without ?lang: still Dutch
    assert page.locator("html").get_attribute("lang") == "nl"
    page.goto("/console")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("navigation", name="Menu").get_by_role("link", name="Start").count() == 1
    shot(page, tmp_path, "console-nl")

    # the language links of the banner: French, then kept
    page.locator("nav.languages").get_by_role("link", name="FR").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto("/console")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert skip.inner_text() == "Aller au contenu"
    assert page.get_by_role("navigation", name="Menu").get_by_role("link", name="Accueil").count() == 1
    shot(page, tmp_path, "console-fr")


def test_the_skip_link_is_the_first_tab_stop_and_takes_the_keyboard_to_the_content(page, demo_world):
    sign_in(page, demo_world, "dies_staff")
    page.goto("/console")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.className]")
    assert focused == ["A", "skip"]
    assert page.locator("a.skip").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert urlparse(page.url).fragment == "main"


def test_a_console_page_on_a_phone_does_not_scroll_sideways(phone_page, demo_world, tmp_path):
    sign_in(phone_page, demo_world, "dies_staff")
    for path in ("/console", "/signed-in"):
        phone_page.goto(path)
        widths = phone_page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
            " document.body.scrollWidth]"
        )
        assert widths[0] <= widths[1] and widths[2] <= widths[1], (path, widths)
    phone_page.goto("/console")
    shot(phone_page, tmp_path, "console-home-phone")
