"""The console in a real browser: Debian's Chromium (/usr/bin/chromium) driven by
Playwright, against the service on a real port with data in it.

Without the browser the tests skip, saying so, except under CI=true, where they fail:
`make test` installs it where it can (apt-get)."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.world import ConsoleWorld, running_world
from tests.support.environment import IN_CI

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def console_world(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleWorld]:
    """One service for a module's tests: they read its data, and change only filings no
    other test reads."""
    database = tmp_path_factory.mktemp("console") / "singlewindow.db"
    shutil.copyfile(sqlite_template, database)
    with running_world(database) as world:
        yield world


# Package-scoped: Playwright's synchronous API keeps an event loop running in this thread
# while it is open, which would stop every later test that runs one of its own.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium (make test does)"
        if IN_CI:
            pytest.fail(f"{reason}; CI runs the browser tests")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) asking for English pages."""
    made = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    made.set_default_timeout(15_000)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
