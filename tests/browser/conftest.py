"""Browser tests: the app served on loopback, a real SMTP server, and Debian's Chromium
driven by Playwright. Every page a journey visits is checked with axe-core.

Screenshots land in test-artifacts/screenshots/ (the folder is printed at the end of the run).
Skipped, with a plain reason, where Chromium is not installed; `.ci/run` installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import weakref
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from booking.mail.outbound import composing

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "tests" / "browser" / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Contexts opened with JavaScript turned off. Their pages run no timers, and axe waits on
#: timers, so axe is given timers that run as soon as the current task ends (the page's own
#: scripts stay off: what axe checks is exactly what a person without JavaScript gets).
NO_JAVASCRIPT: weakref.WeakSet = weakref.WeakSet()
PROMPT_TIMERS = (
    "window.setTimeout = function (fn) { var args = [].slice.call(arguments, 2);"
    " Promise.resolve().then(function () { fn.apply(null, args); }); return 0; };"
    " window.clearTimeout = function () {};\n"
)
DESKTOP = {"width": 1280, "height": 900}
TABLET = {"width": 820, "height": 1180}
MOBILE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM):
                item.add_marker(
                    pytest.mark.skip(reason="Chromium is not installed (.ci/run installs it)")
                )
            elif not AXE_JS.exists():
                item.add_marker(
                    pytest.mark.skip(reason="axe-core is missing: run scripts/fetch-axe.sh")
                )


#: Every violation axe reported in this run, serious or not: {(rule, impact, help): {urls}}.
FINDINGS: dict[tuple[str, str, str], set[str]] = {}


def pytest_terminal_summary(terminalreporter):
    if FINDINGS:
        terminalreporter.write_line("axe-core also noted (not serious or critical):")
        for (rule, impact, help_text), urls in sorted(FINDINGS.items()):
            paths = sorted({url.split("/", 3)[-1] for url in urls})
            terminalreporter.write_line(
                f"  {rule} ({impact}): {help_text} on /" + ", /".join(paths)
            )
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"Browser screenshots ({count}) are in {SCREENSHOTS}")


@pytest.fixture
def live_app(make_app, smtp, app):
    """A second app object on the same test database, as a real deployment would have."""
    live = make_app(
        MAIL_SUPPRESS_SEND=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        OUTBOX_SEND_AFTER_REQUEST=True,
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=False,
    )
    return live


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["SITE_URL"] = base_url
    composing.configure(composing.MailSettings.from_config(live_app.config))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    """Open a page: new_page(viewport=DESKTOP, javascript=True)."""
    contexts = []

    def open_page(viewport=DESKTOP, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        if not javascript:
            NO_JAVASCRIPT.add(context)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


class Accessibility:
    """Runs axe-core on a page and keeps what it found."""

    def __init__(self):
        self.checked: list[str] = []
        self.source = AXE_JS.read_text() if AXE_JS.exists() else ""

    def check(self, page, *, except_rules: tuple[str, ...] = ()) -> list[dict]:
        """Fail on any serious or critical violation; return every violation for the record.

        `except_rules`: rule ids a page breaks on purpose, each with its reason at the caller.
        """
        # Evaluated through the browser's developer protocol, so the page's strict Content
        # Security Policy stays on and is tested too.
        timers = PROMPT_TIMERS if page.context in NO_JAVASCRIPT else ""
        page.evaluate(timers + self.source + "\n;undefined")
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        violations = result["violations"]
        self.checked.append(page.url)
        for v in violations:
            FINDINGS.setdefault((v["id"], v["impact"], v["help"]), set()).add(page.url)
        serious = [
            v
            for v in violations
            if v["impact"] in ("serious", "critical") and v["id"] not in except_rules
        ]
        assert not serious, f"axe found problems on {page.url}: " + json.dumps(
            [
                {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"][:3]]}
                for v in serious
            ],
            indent=2,
        )
        return violations


@pytest.fixture
def axe():
    return Accessibility()


@pytest.fixture
def screenshot():
    """screenshot(page, "journey-step"): saves <name>-<width>.png under test-artifacts/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        width = page.viewport_size["width"] if page.viewport_size else 0
        label = "mobile" if width < 600 else "tablet" if width < 1000 else "desktop"
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
