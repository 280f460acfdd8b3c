"""The feed links page in Chromium: reached from the account page, the links shown on asking and
working in a client that is not signed in, reset with a clear notice; valid HTML and axe-core clean."""

from __future__ import annotations

import urllib.request

import pytest

from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def fetch_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:  # a feed reader: no cookies
        return int(response.status)


def test_the_feed_links_page_shows_and_resets_the_key(tab: Tab, make: Factory, live_server: str) -> None:
    tab.sign_in(make.user("Priya Shah", email="priya.shah@met.police.uk"))
    tab.visit("/account")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Feed links").click()
    assert tab.path() == "/account/feeds"
    check_page(tab, "feed links, key hidden")

    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Show my feed links").click()
    key = tab.page.get_by_label("Your feed key").input_value()
    mine = tab.page.get_by_label("Everything new in your communities").input_value()
    assert mine.endswith(f"/feeds/mine.atom?key={key}")
    assert fetch_status(f"{live_server}/feeds/mine.atom?key={key}") == 200
    check_page(tab, "feed links, key shown")

    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Reset my feed key").click()
    assert "Links with the old key no longer work." in tab.page.inner_text("main")
    assert tab.page.get_by_label("Your feed key").input_value() != key
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch_status(f"{live_server}/feeds/mine.atom?key={key}")
    assert refused.value.code == 404
    check_page(tab, "feed links, key reset")
