"""The page shown to a request from outside POLKA_TRUSTED_NETWORKS is accessible too."""

from __future__ import annotations

from typing import Any

import pytest

from polka.config import _networks
from tests.browser.conftest import Tab, check_page

pytestmark = pytest.mark.browser


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    """Only 10.0.0.0/8 is trusted, so the browser on 127.0.0.1 is outside."""
    return {**settings_overrides, "trusted_networks": _networks("10.0.0.0/8")}


def test_refused_network_page_is_accessible(tab: Tab) -> None:
    tab.visit("/login", status=403)
    assert "POLKA" in tab.page.inner_text("main") or tab.page.locator("h1").count() == 1
    check_page(tab, "the refused-network page")
