"""Browser fixtures: Debian's Chromium through Playwright, a live server, and axe-core.

The browser is launched once per run from ``/usr/bin/chromium`` (never ``playwright install``). Without
it the browser tests are skipped, unless ``POLKA_REQUIRE_BROWSER=1`` (CI) turns the skip into a failure.
The live server serves the same app the other tests use (``app`` fixture: fresh data directory and
database), so ``make``, ``session`` and ``mailbox`` arrange and inspect what the browser sees.
Every page a tab loads is also checked by the Nu HTML Checker (``html_checker``, below).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, sync_playwright
from sqlalchemy import Engine, update
from werkzeug.serving import WSGIRequestHandler, make_server

from polka.accounts.models import User
from tests.browser import html_checker as html_checker_module
from tests.browser.html_checker import (
    CheckerUnavailable,
    Finding,
    HtmlChecker,
    ServedPages,
    describe_findings,
    why_unavailable,
)
from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MOBILE: ViewportSize = {"width": 375, "height": 740}


def _browser_required() -> bool:
    return os.environ.get("POLKA_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Debian's Chromium is not installed ({CHROMIUM}); apt-get install chromium"
        if _browser_required():
            pytest.fail(f"POLKA_REQUIRE_BROWSER is set but browser tests cannot run: {message}")
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _checker_cannot_run(problem: str) -> NoReturn:
    if _browser_required():
        pytest.fail(f"POLKA_REQUIRE_BROWSER is set but the HTML checker cannot run: {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def html_checker() -> Iterator[HtmlChecker]:
    """The Nu HTML Checker as a local service, started once per run; skipped (or failed) like the browser.

    Its start (seconds of Java) overlaps the first test's set-up: the first check waits for it.
    """
    problem = why_unavailable()
    if problem is not None:
        _checker_cannot_run(problem)
    checker = HtmlChecker()
    yield checker
    checker.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """What the HTML checker cost the run (a few seconds to start, milliseconds a page)."""
    for checker in html_checker_module.STARTED:
        terminalreporter.write_line(checker.summary())


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without the access log (it would flood the output of failing tests)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class InFlight:
    """The requests the live server is answering, so its teardown can wait for the last to finish.

    A request Chromium started just before the tab closed (a script's fetch, a late favicon) may still
    be running in a server thread after the test: if the ``app`` fixture disposed of the engine under
    it, its database connection would go back to a discarded pool and be closed only by the garbage
    collector, whose ``ResourceWarning`` then fails whichever later test happens to be running.
    """

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def __enter__(self) -> None:
        with self._idle:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def wait_until_idle(self, timeout: float) -> None:
        with self._idle:
            finished = self._idle.wait_for(lambda: self._count == 0, timeout=timeout)
        assert finished, f"the live server was still answering {self._count} request(s) after {timeout} s"


def buffered(app: Any, served: ServedPages | None = None, in_flight: InFlight | None = None) -> Any:
    """Answer each request from memory, the app's response (and any file it opened) closed at once.

    Chromium may drop a connection mid-response (a late favicon fetch when the test closes the
    tab); werkzeug's server can then skip closing the response, leaking a file handle (an error
    under ``filterwarnings = error``) or a database session that blocks the next test's clean-up.
    The pages sent to the browser's navigations are kept in ``served`` for the HTML checker; each
    request is counted in ``in_flight`` while the app answers it.
    """

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        sent: list[Any] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        with in_flight or contextlib.nullcontext():
            response = app(environ, start)
            try:
                body = b"".join(response)
            finally:
                if hasattr(response, "close"):
                    response.close()
        if served is not None and sent:
            served.record(environ, sent[0], sent[1], body)
        return [body]

    return application


@pytest.fixture
def served_pages() -> ServedPages:
    """The pages the live server sends to browser navigations, for the HTML checker."""
    return ServedPages()


@pytest.fixture
def live_server(app: Flask, served_pages: ServedPages) -> Iterator[str]:
    """Serve the test's app on a free port in a thread; stopped after the test."""
    in_flight = InFlight()
    server = make_server(
        "127.0.0.1",
        0,
        buffered(app, served_pages, in_flight),
        threaded=True,
        request_handler=QuietRequestHandler,
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    in_flight.wait_until_idle(timeout=10)  # before the app fixture disposes of the engine


class Tab:
    """One browser tab on the live server, collecting console errors and uncaught exceptions, and
    checking the HTML of every page it loads (``check_html``)."""

    def __init__(
        self,
        page: Page,
        base_url: str,
        app: Flask,
        html_checker: HtmlChecker | None = None,
        served: ServedPages | None = None,
    ) -> None:
        self.page = page
        self.base_url = base_url
        self.app = app
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"{self.path()}: uncaught {error}"))
        self.html_checker = html_checker
        self.served = served

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if (
            message.text.startswith("Failed to load resource")
            and message.location.get("url") == self.page.url
        ):
            return  # the page itself answered 4xx on purpose (a form with errors, a 404 page)
        self.console_errors.append(f"{self.path()}: {message.text}")

    def _check(self, html: str) -> list[Finding]:
        assert self.html_checker is not None
        try:
            return self.html_checker.check(html)
        except CheckerUnavailable as exc:
            _checker_cannot_run(str(exc))

    def check_html(self) -> None:
        """The Nu HTML Checker on every page the browser loaded since the last check, as the server sent it."""
        if self.html_checker is None or self.served is None:
            return
        problems = []
        for served in self.served.take():
            if findings := self._check(served.html):
                problems.append(describe_findings(findings, f"{served.method} {served.path} (as served)"))
        assert not problems, "\n\n".join(problems)

    def check_rendered_html(self, where: str) -> None:
        """The Nu HTML Checker on the page as it is now, after its scripts ran (attributes they add)."""
        if self.html_checker is None:
            return
        # Media-query listeners (polka.js's tables) run at the next frame after a resize.
        self.page.evaluate(
            "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        findings = self._check(self.page.content())
        assert not findings, describe_findings(findings, f"{where} (as rendered, after its scripts)")

    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def visit(self, path: str, *, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"GET {path}: {response.status}, expected {status}"
        self.check_html()

    def sign_in(self, user: User, password: str = PASSWORD) -> None:
        """Sign in as ``user`` through the login form (and the two-factor step when asked)."""
        self.sign_in_with(user.email, password, totp_secret=user.totp_secret)

    def sign_in_with(self, email: str, password: str, *, totp_secret: str | None = None) -> None:
        self.visit("/login")
        self.page.fill("#email", email)
        self.page.fill("#password", password)
        self.submit()
        if "/login/two-factor" in self.page.url:
            assert totp_secret, f"{email} was asked for a two-factor code but has no secret"
            self._forget_last_code(email)
            self.page.fill("#code", pyotp.TOTP(totp_secret).now())
            self.submit()
        assert "/login" not in self.path(), (
            f"sign-in as {email} failed: still on {self.path()}: {self.page.inner_text('main')[:500]}"
        )

    def _forget_last_code(self, email: str) -> None:
        """Let the current code be used again (a used code is refused until the next 30-second step)."""
        engine: Engine = self.app.extensions["polka.engine"]
        with engine.begin() as conn:
            conn.execute(update(User).where(User.email == email).values(totp_last_counter=None))

    def submit(self) -> None:
        """Press the main form's submit button and wait for the next page."""
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").first.click()
        self.check_html()

    def axe(self) -> list[dict[str, Any]]:
        """Run axe-core (WCAG 2.0–2.2 A and AA rules) on the current page; return its violations."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # CDP evaluation is not subject to the page's CSP (a <script> tag would be refused).
            self.page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
        violations: list[dict[str, Any]] = self.page.evaluate(
            """async (tags) => {
                const results = await window.axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                });
                return results.violations;
            }""",
            AXE_TAGS,
        )
        return violations

    def overflows_horizontally(self) -> bool:
        """True when the page is wider than the viewport (a phone user would have to scroll sideways)."""
        return bool(self.page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1"))


def describe_violations(violations: list[dict[str, Any]], where: str) -> str:
    """axe's findings as readable text: rule, impact, help, and the offending elements."""
    lines = [f"axe-core found {len(violations)} kind(s) of WCAG violation on {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    at {json.dumps(node['target'])}")
            lines.append(f"       {node['html'][:240]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            lines.append(f"       {summary}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)


def check_page(tab: Tab, where: str) -> None:
    """Valid HTML, axe at desktop and phone widths, no sideways scrolling on the phone, no console errors.

    The page as rendered is checked at desktop width: on a phone, tables shown as cards carry ARIA
    roles that restore the table semantics CSS removes, which HTML's rules refuse on a table.
    """
    tab.check_html()
    tab.page.set_viewport_size(DESKTOP)
    tab.check_rendered_html(where)
    violations = tab.axe()
    assert not violations, describe_violations(violations, f"{where} at 1280 px")
    tab.page.set_viewport_size(MOBILE)
    violations = tab.axe()
    assert not violations, describe_violations(violations, f"{where} at 375 px")
    assert not tab.overflows_horizontally(), f"{where} is wider than a 375 px phone screen"
    assert tab.console_errors == []


@pytest.fixture
def tab(
    browser: Browser, html_checker: HtmlChecker, live_server: str, served_pages: ServedPages, app: Flask
) -> Iterator[Tab]:
    """A fresh browser context (no cookies) with one tab at desktop size; its pages' HTML checked."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    opened = Tab(page, live_server, app, html_checker, served_pages)
    yield opened
    try:
        opened.check_html()  # the pages the test reached by links and scripts, after its last check
    finally:
        context.close()
