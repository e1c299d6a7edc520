"""What the portal's browser tests share: Debian's Chromium, launched once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support.portal import CHROMIUM_ARGS, chromium_or_skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (skipped where it is missing, unless required)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium_or_skip()),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()
