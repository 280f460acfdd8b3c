"""The Nu HTML Checker (``vnu.jar`` from npm's ``vnu-jar``) as a local HTTP service for the browser tests.

One Java process per test session (a start costs seconds; a check then costs milliseconds), bound to
127.0.0.1 on a free port. Pages are POSTed to it as ``text/html; charset=utf-8`` and it answers JSON.

What fails a test: every error, and every warning not listed in ``ACCEPTED_WARNINGS``. The checker
warns about real mistakes that browsers happen to forgive (a role that restates an element's own, a
doubtful ``aria-*``, an obsolete attribute); holding pages to them costs nothing while they are few,
and a deliberate exception goes in that list with its reason. Plain information is ignored.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: A cold start takes 5–40 s on a busy two-core machine; give it room before calling it broken.
STARTUP_SECONDS = 120
CHECK_SECONDS = 60

#: Warnings about choices made on purpose, each with its reason (matched against the start of the
#: checker's message).
ACCEPTED_WARNINGS: dict[str, str] = {
    "The “banner” role is unnecessary for element “header”": (
        "GOV.UK Frontend's header carries its landmark role explicitly, for assistive technology"
        " that does not map <header> to the banner landmark; POLKA's header follows it"
    ),
}

#: Values that change on every request (CSRF tokens) and do not change what the checker says.
_VOLATILE = re.compile(r'(name="csrf_token"[^>]*?value=")[^"]*(")')


@dataclass(frozen=True)
class ServedPage:
    """An HTML document the live server sent to a browser's navigation (a visit, a form, a link)."""

    method: str
    path: str
    html: str


class ServedPages:
    """The documents the live server sent to navigations, until a tab checks them."""

    def __init__(self) -> None:
        self._pages: list[ServedPage] = []
        self._lock = threading.Lock()

    def record(
        self, environ: dict[str, Any], status: str, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        """Keep a response if it is a page a browser navigated to (not a redirect, script or download)."""
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        if (
            environ.get("HTTP_SEC_FETCH_DEST") != "document"
            or not content_type.startswith("text/html")
            or status.startswith("3")
        ):
            return
        if next((v for k, v in headers if k.lower() == "content-encoding"), "") == "gzip":
            body = gzip.decompress(body)  # as the browser reads it (POLKA compresses large pages)
        query = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        page = ServedPage(environ.get("REQUEST_METHOD", "GET"), path, body.decode("utf-8", "replace"))
        with self._lock:
            self._pages.append(page)

    def take(self) -> list[ServedPage]:
        with self._lock:
            pages, self._pages = self._pages, []
        return pages


#: The checkers started in this process, for the summary at the end of the run.
STARTED: list[HtmlChecker] = []


class CheckerUnavailable(RuntimeError):
    """The checker cannot run here (no Java, no vnu.jar) or did not come up."""


@dataclass(frozen=True)
class Finding:
    """One message of the checker: its type, where it is and the source around it."""

    kind: str
    message: str
    line: int | None
    column: int | None
    extract: str

    def describe(self) -> str:
        where = f"line {self.line}" if self.line is not None else "the whole document"
        if self.column is not None:
            where += f", column {self.column}"
        extract = " ".join(self.extract.split())
        return f"- {self.kind} at {where}: {self.message}\n    {extract}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def why_unavailable() -> str | None:
    """What stops the checker from running on this machine, or None."""
    if shutil.which("java") is None:
        return "Java is not installed (the Nu HTML Checker needs java 11 or later on PATH)"
    if not VNU_JAR.is_file():
        return f"{VNU_JAR} is missing; run `make install` (npm ci installs vnu-jar)"
    return None


class HtmlChecker:
    """A running Nu HTML Checker service; ``check`` returns what fails a page."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/?out=json"
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self._process = subprocess.Popen(
            [
                shutil.which("java") or "java",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(VNU_JAR),
                "nu.validator.servlet.Main",
                str(self.port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._results: dict[str, list[Finding]] = {}
        self._ready = False
        #: What the checker cost this run (``summary``): seconds to start, seconds checking, pages.
        self.start_seconds = 0.0
        self.check_seconds = 0.0
        self.pages = 0
        self.checks = 0
        STARTED.append(self)

    def wait_until_ready(self) -> None:
        """Wait for the service to answer (once); raise CheckerUnavailable if it does not come up."""
        if self._ready:
            return
        started = time.monotonic()
        deadline = started + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise CheckerUnavailable(f"the Nu HTML Checker exited at start:\n{self._log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2):
                    self.start_seconds = time.monotonic() - started
                    self._ready = True
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise CheckerUnavailable(
            f"the Nu HTML Checker did not answer in {STARTUP_SECONDS} s:\n{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-2000:]

    def check(self, html: str) -> list[Finding]:
        """The errors and unaccepted warnings the checker finds in ``html`` (a whole document)."""
        self.wait_until_ready()
        self.pages += 1
        key = hashlib.sha256(_VOLATILE.sub(r"\1\2", html).encode("utf-8")).hexdigest()
        if key not in self._results:
            started = time.monotonic()
            self._results[key] = self._findings(self._post(html))
            self.check_seconds += time.monotonic() - started
            self.checks += 1
        return self._results[key]

    def summary(self) -> str:
        return (
            f"Nu HTML Checker: {self.pages} pages checked ({self.checks} distinct) in {self.check_seconds:.1f} s,"
            f" after {self.start_seconds:.1f} s to start"
        )

    def _post(self, html: str) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url,
            data=html.encode("utf-8"),
            headers={"Content-Type": "text/html; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=CHECK_SECONDS) as response:
            answer: dict[str, Any] = json.load(response)
        return answer

    @staticmethod
    def _findings(answer: dict[str, Any]) -> list[Finding]:
        findings = []
        for message in answer.get("messages", []):
            kind = message.get("type")
            text = message.get("message", "")
            if kind == "info" and message.get("subType") == "warning":
                if any(text.startswith(accepted) for accepted in ACCEPTED_WARNINGS):
                    continue
                kind = "warning"
            elif kind == "non-document-error":
                kind = "checker failure"
            elif kind != "error":
                continue  # plain information ("Trailing slash on void elements has no effect")
            findings.append(
                Finding(
                    kind=kind,
                    message=text,
                    line=message.get("lastLine"),
                    column=message.get("firstColumn"),
                    extract=message.get("extract", ""),
                )
            )
        return findings

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


def describe_findings(findings: list[Finding], where: str) -> str:
    """The checker's findings as text an engineer can act on: the page, then line, message, source."""
    lines = [f"The Nu HTML Checker found {len(findings)} problem(s) in {where}:"]
    lines += [finding.describe() for finding in findings]
    return "\n".join(lines)
